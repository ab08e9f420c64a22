/**
 * Target delivery failures: a failing target is retried, and one that fails every attempt is
 * reported through `onDeliveryError` with the rule, target and event.
 */

import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetDeliveryError } from '../../../../../infra/local/services/eventbridge/errors.ts';
import {
  eventually,
  type LocalEventBridge,
  startEventBridge,
} from '../../../../support/local-services.ts';

const FLAKY = 'arn:aws:lambda:us-east-1:000000000000:function:flaky';
const BROKEN = 'arn:aws:lambda:us-east-1:000000000000:function:broken';
const UNREGISTERED = 'arn:aws:lambda:us-east-1:000000000000:function:nobody';
let flakyCalls = 0;
const failures: TargetDeliveryError[] = [];
let eventBridge: LocalEventBridge;

beforeAll(async () => {
  eventBridge = await startEventBridge({
    lambdaTargets: new Map([
      [
        FLAKY,
        async () => {
          flakyCalls++;
          if (flakyCalls < 3) throw new Error('not yet');
        },
      ],
      [
        BROKEN,
        async () => {
          throw new Error('always');
        },
      ],
    ]),
    onDeliveryError: (error) => failures.push(error),
  });
});

afterAll(() => eventBridge.close());

describe('target delivery', () => {
  it('retries a failing target and reports the ones that never succeed', async () => {
    await eventBridge.client.send(
      new PutRuleCommand({ Name: 'failing', EventPattern: '{"source":["delivery.failures"]}' }),
    );
    await eventBridge.client.send(
      new PutTargetsCommand({
        Rule: 'failing',
        Targets: [
          { Id: 'flaky', Arn: FLAKY },
          { Id: 'broken', Arn: BROKEN },
          { Id: 'nobody', Arn: UNREGISTERED },
        ],
      }),
    );
    const out = await eventBridge.client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'delivery.failures', DetailType: 'T', Detail: '{}' }],
      }),
    );
    // PutEvents answers before delivery, as EventBridge does.
    expect(out.FailedEntryCount).toBe(0);
    await eventually(() => failures.length >= 2);

    expect(flakyCalls).toBe(3);
    expect(failures.map((f) => f.targetArn).sort()).toEqual([BROKEN, UNREGISTERED]);
    expect(failures[0]).toMatchObject({
      ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/failing',
      eventId: out.Entries?.[0]?.EventId,
      attempts: 3,
    });
  });
});
