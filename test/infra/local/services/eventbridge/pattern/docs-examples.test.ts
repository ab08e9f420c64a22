/**
 * The examples of the EventBridge user guide (eb-event-patterns, eb-event-patterns-null-values,
 * eb-event-patterns-arrays, eb-event-patterns-content-based-filtering,
 * eb-create-pattern-operators) and of aws/event-ruler's README, each with an event it must match
 * and one it must not.
 */

import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  matches,
} from '../../../../../../infra/local/services/eventbridge/pattern/index.ts';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

function check(pattern: unknown, event: unknown): boolean {
  return matches(compilePattern(JSON.stringify(pattern)), event);
}

describe('event patterns: matching values (eb-event-patterns)', () => {
  it('matches the EC2 termination example and not a running instance', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(check(pattern, ec2Event)).toBe(true);
    expect(check(pattern, { ...ec2Event, detail: { state: 'running' } })).toBe(false);
  });

  it('ORs the values of one field', () => {
    const pattern = { source: ['aws.ec2', 'aws.fargate'] };
    expect(check(pattern, { source: 'aws.fargate' })).toBe(true);
    expect(check(pattern, { source: 'aws.s3' })).toBe(false);
  });

  it('requires the same nesting structure', () => {
    expect(check({ detail: { state: ['terminated'] } }, { state: 'terminated' })).toBe(false);
  });

  it('matches strings exactly, without case folding', () => {
    expect(check({ source: ['aws.ec2'] }, { source: 'AWS.EC2' })).toBe(false);
  });

  it('matches numbers (Macie risk-score 80 and trigger risk 8)', () => {
    const pattern = { detail: { 'risk-score': [80], trigger: { risk: [8] } } };
    expect(check(pattern, { detail: { 'risk-score': 80, trigger: { risk: 8 } } })).toBe(true);
    expect(check(pattern, { detail: { 'risk-score': 80, trigger: { risk: 9 } } })).toBe(false);
    // a string is not the number
    expect(check(pattern, { detail: { 'risk-score': '80', trigger: { risk: 8 } } })).toBe(false);
  });
});

describe('event patterns: null and empty strings (eb-event-patterns-null-values)', () => {
  const event = { detail: { eventVersion: '', responseElements: null } };
  it('matches an empty string with [""]', () => {
    expect(check({ detail: { eventVersion: [''] } }, event)).toBe(true);
  });
  it('matches null with [null]', () => {
    expect(check({ detail: { responseElements: [null] } }, event)).toBe(true);
  });
  it('does not treat null and empty string as interchangeable', () => {
    expect(check({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(check({ detail: { eventVersion: [null] } }, event)).toBe(false);
  });
});

describe('event patterns: arrays (eb-event-patterns-arrays)', () => {
  const pattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  it('matches when the pattern array and the event array intersect', () => {
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(check(pattern, event)).toBe(true);
  });
  it('does not match when they do not intersect', () => {
    expect(check(pattern, { resources: ['arn:aws:ec2:us-east-1:1:instance/i-x'] })).toBe(false);
  });
  it('crushes arrays of objects but keeps fields of one element together (event-ruler)', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(check({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(check({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    expect(check({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
  });
});
