/**
 * Scheduled rules: expression validation, and `rate(...)` rules firing the Scheduled Event to
 * their targets on a (shortened) local clock, stopping when the rule is disabled.
 */

import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchedule } from '../../../../../infra/local/services/eventbridge/schedule.ts';
import {
  eventually,
  type LocalEventBridge,
  startEventBridge,
} from '../../../../support/local-services.ts';

describe('parseSchedule', () => {
  it.each([
    ['rate(1 minute)', { kind: 'rate', minutes: 1 }],
    ['rate(5 minutes)', { kind: 'rate', minutes: 5 }],
    ['rate(2 hours)', { kind: 'rate', minutes: 120 }],
    ['rate(1 day)', { kind: 'rate', minutes: 1440 }],
    ['cron(0 12 * * ? *)', { kind: 'cron', fields: ['0', '12', '*', '*', '?', '*'] }],
  ])('reads %s', (expression, expected) => {
    expect(parseSchedule(expression)).toEqual(expected);
  });

  it.each([
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(0 minutes)',
    'rate(5 weeks)',
    'cron(0 12 * * ?)',
    'every 5m',
  ])('rejects %s with ValidationException', (expression) => {
    expect(() => parseSchedule(expression)).toThrow(
      expect.objectContaining({ code: 'ValidationException' }),
    );
  });
});

describe('rate rules on the local endpoint', () => {
  const SWEEP = 'arn:aws:lambda:us-east-1:000000000000:function:window-sweep';
  const fired: EventBridgeEvent<string, unknown>[] = [];
  let eventBridge: LocalEventBridge;

  beforeAll(async () => {
    eventBridge = await startEventBridge({
      scheduleMinuteMillis: 50,
      lambdaTargets: new Map([
        [SWEEP, async (e: EventBridgeEvent<string, unknown>) => void fired.push(e)],
      ]),
    });
  });

  afterAll(() => eventBridge.close());

  it('sends the Scheduled Event to the targets until the rule is disabled', async () => {
    const { RuleArn } = await eventBridge.client.send(
      new PutRuleCommand({ Name: 'sweep', ScheduleExpression: 'rate(1 minute)' }),
    );
    await eventBridge.client.send(
      new PutTargetsCommand({ Rule: 'sweep', Targets: [{ Id: 'sweep', Arn: SWEEP }] }),
    );
    await eventually(() => fired.length >= 2);
    expect(fired[0]).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: [RuleArn],
      detail: {},
    });

    await eventBridge.client.send(new DisableRuleCommand({ Name: 'sweep' }));
    const count = fired.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(fired.length).toBe(count);

    await eventBridge.client.send(new EnableRuleCommand({ Name: 'sweep' }));
    await eventually(() => fired.length > count);
    expect(fired.length).toBeGreaterThan(count);
    await eventBridge.client.send(new DisableRuleCommand({ Name: 'sweep' }));
  });

  it('refuses a schedule on a custom bus and a malformed rate, as EventBridge does', async () => {
    await eventBridge.client.send(new CreateEventBusCommand({ Name: 'custom' }));
    await expect(
      eventBridge.client.send(
        new PutRuleCommand({
          Name: 's',
          ScheduleExpression: 'rate(1 minute)',
          EventBusName: 'custom',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('only on the default'),
    });
    await expect(
      eventBridge.client.send(
        new PutRuleCommand({ Name: 's', ScheduleExpression: 'rate(1 minutes)' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});
