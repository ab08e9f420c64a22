/**
 * The comparison operators, one `describe` per row of the EventBridge operator reference
 * (eb-create-pattern-operators) and the content-filtering page, on their documented examples.
 */

import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  matches,
} from '../../../../../../infra/local/services/eventbridge/pattern/index.ts';

function check(pattern: unknown, event: unknown): boolean {
  return matches(compilePattern(JSON.stringify(pattern)), event);
}

describe('prefix and suffix', () => {
  it('matches time by prefix "2017-10-02"', () => {
    const p = { time: [{ prefix: '2017-10-02' }] };
    expect(check(p, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(check(p, { time: '2017-10-03T18:43:48Z' })).toBe(false);
  });
  it('matches a prefix ignoring case ("eventb")', () => {
    const p = { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] };
    expect(check(p, { service: 'EventBridge' })).toBe(true);
    expect(check(p, { service: 'Lambda' })).toBe(false);
  });
  it('matches FileName by suffix ".png"', () => {
    const p = { FileName: [{ suffix: '.png' }] };
    expect(check(p, { FileName: 'image.png' })).toBe(true);
    expect(check(p, { FileName: 'image.jpg' })).toBe(false);
  });
  it('matches a suffix ignoring case ("tbridge")', () => {
    const p = { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] };
    expect(check(p, { service: 'EVENTBRIDGE' })).toBe(true);
    expect(check(p, { service: 'EventBus' })).toBe(false);
  });
  it('does not apply prefix to numbers', () => {
    expect(check({ n: [{ prefix: '1' }] }, { n: 12 })).toBe(false);
  });
});

describe('equals-ignore-case and wildcard', () => {
  it('matches "Alice" in any case', () => {
    const p = { name: [{ 'equals-ignore-case': 'alice' }] };
    expect(check(p, { name: 'ALICE' })).toBe(true);
    expect(check(p, { name: 'Alicia' })).toBe(false);
  });
  it('matches a .png file inside folder dir ("dir/*.png")', () => {
    const p = { EventBusArn: [{ wildcard: 'dir/*.png' }] };
    expect(check(p, { EventBusArn: 'dir/a/b.png' })).toBe(true);
    expect(check(p, { EventBusArn: 'dir/.png' })).toBe(true);
    expect(check(p, { EventBusArn: 'other/b.png' })).toBe(false);
  });
  it('matches "Simple*Service" (event-ruler README)', () => {
    const p = { source: [{ wildcard: 'Simple*Service' }] };
    expect(check(p, { source: 'SimpleQueueService' })).toBe(true);
    expect(check(p, { source: 'SimpleQueue' })).toBe(false);
  });
  it('treats \\* as a literal asterisk', () => {
    const p = { v: [{ wildcard: 'a\\*b' }] };
    expect(check(p, { v: 'a*b' })).toBe(true);
    expect(check(p, { v: 'axb' })).toBe(false);
  });
});

describe('anything-but', () => {
  it('excludes one string ("initializing")', () => {
    const p = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(check(p, { detail: { state: 'running' } })).toBe(true);
    expect(check(p, { detail: { state: 'initializing' } })).toBe(false);
  });
  it('excludes one number (123) and a list of numbers', () => {
    expect(
      check({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 124 } }),
    ).toBe(true);
    expect(
      check({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 123 } }),
    ).toBe(false);
    const list = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(check(list, { detail: { 'x-limit': 200 } })).toBe(false);
    expect(check(list, { detail: { 'x-limit': 201 } })).toBe(true);
  });
  it('excludes a list of strings ("stopped", "overloaded")', () => {
    const p = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(check(p, { detail: { state: 'overloaded' } })).toBe(false);
    expect(check(p, { detail: { state: 'running' } })).toBe(true);
  });
  it('excludes a prefix ("init", "aws.") and a suffix (".png")', () => {
    const p = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(check(p, { detail: { state: 'initializing' } })).toBe(false);
    expect(check(p, { detail: { state: 'running' } })).toBe(true);
    const own = { source: [{ 'anything-but': { prefix: 'aws.' } }] };
    expect(check(own, { source: 'aws.ec2' })).toBe(false);
    expect(check(own, { source: 'telemetry.anomalies' })).toBe(true);
    const s = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(check(s, { FileName: 'a.png' })).toBe(false);
    expect(check(s, { FileName: 'a.jpg' })).toBe(true);
  });
  it('excludes ignoring case and by wildcard', () => {
    const ic = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(check(ic, { state: 'INITIALIZING' })).toBe(false);
    expect(check(ic, { state: 'running' })).toBe(true);
    const wc = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(check(wc, { FilePath: 'src/lib/a.ts' })).toBe(false);
    expect(check(wc, { FilePath: 'src/bin/a.ts' })).toBe(true);
  });
  it('matches an array that holds a value not excluded (SNS doc: [100, 50])', () => {
    const p = { price: [{ 'anything-but': [100, 500] }] };
    expect(check(p, { price: [100, 50] })).toBe(true);
    expect(check(p, { price: 100 })).toBe(false);
  });
  it('does not match a missing field', () => {
    expect(check({ state: [{ 'anything-but': 'x' }] }, { other: 1 })).toBe(false);
  });
});

describe('numeric', () => {
  const p = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  it('matches when every field is in range (c-count 5, d-count 3, x-limit 301.8)', () => {
    expect(check(p, { detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 } })).toBe(true);
  });
  it('respects open and closed bounds at the exact edges', () => {
    expect(check(p, { detail: { 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 } })).toBe(false);
    expect(check(p, { detail: { 'c-count': 5.000001, 'd-count': 3, 'x-limit': 301.8 } })).toBe(
      false,
    );
    expect(check(p, { detail: { 'c-count': 1, 'd-count': 10, 'x-limit': 301.8 } })).toBe(false);
    expect(check(p, { detail: { 'c-count': 1, 'd-count': 9, 'x-limit': 301.81 } })).toBe(false);
  });
  it('matches Price > 10 and <= 20, not a numeric string', () => {
    const price = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
    expect(check(price, { Price: 20 })).toBe(true);
    expect(check(price, { Price: '15' })).toBe(false);
  });
});

describe('exists and cidr', () => {
  it('exists: true matches a present leaf, not an intermediate node', () => {
    const p = { detail: { state: [{ exists: true }] } };
    expect(check(p, { detail: { 'instance-id': 'i-abcd1111', state: 'pending' } })).toBe(true);
    expect(check(p, { detail: { 'c-count': { c1: 100 } } })).toBe(false);
    expect(check(p, { detail: { state: { deep: 1 } } })).toBe(false);
  });
  it('exists: false matches a missing field and a non-leaf (c-count example)', () => {
    const p = { detail: { 'c-count': [{ exists: false }] } };
    expect(check(p, { detail: { state: ['initializing', 'running'] } })).toBe(true);
    expect(check(p, { detail: { state: ['x'], 'c-count': { c1: 100 } } })).toBe(true);
    expect(check(p, { detail: { 'c-count': 3 } })).toBe(false);
    expect(check(p, { other: 1 })).toBe(true);
  });
  it('matches an IPv4 address in 10.0.0.0/24 and an IPv6 one in 2001:db8::/32', () => {
    const p = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
    expect(check(p, { detail: { sourceIPAddress: '10.0.0.255' } })).toBe(true);
    expect(check(p, { detail: { sourceIPAddress: '10.0.1.0' } })).toBe(false);
    const v6 = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(check(v6, { ip: '2001:db8:0:0:1::1' })).toBe(true);
    expect(check(v6, { ip: '2001:db9::1' })).toBe(false);
  });
});

describe('$or', () => {
  it('matches Location "New York" or Day "Monday"', () => {
    const p = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    expect(check(p, { Location: 'Paris', Day: 'Monday' })).toBe(true);
    expect(check(p, { Location: 'New York', Day: 'Sunday' })).toBe(true);
    expect(check(p, { Location: 'Paris', Day: 'Sunday' })).toBe(false);
  });
  it('nests "or" with "and" (event-ruler README: source && (metricName || (metricType && namespace && (metricId || spaceId)) || scope))', () => {
    const p = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    };
    const base = { source: 'aws.cloudwatch' };
    expect(check(p, { ...base, metricName: 'ReadLatency' })).toBe(true);
    expect(
      check(p, { ...base, metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 }),
    ).toBe(true);
    expect(check(p, { ...base, metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1 })).toBe(
      false,
    );
    expect(check(p, { source: 'aws.ec2', scope: 'Service' })).toBe(false);
  });
  it('works inside a nested object ("detail": {"$or": ...})', () => {
    const p = { detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['Alarm'] }] } };
    expect(check(p, { detail: { 'detail-type': 'Alarm' } })).toBe(true);
    expect(check(p, { detail: { source: 'aws.ec2' } })).toBe(false);
  });
});
