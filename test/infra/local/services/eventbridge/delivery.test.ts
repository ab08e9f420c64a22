/**
 * Target delivery failures: a failing target is retried, and one that fails every attempt is
 * reported through `onDeliveryError` with the rule, target and event.
 */

import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetDeliveryError } from '../../../../../infra/local/services/eventbridge/errors.ts';
import {
  type EventBridgeServer,
  startEventBridgeServer,
} from '../../../../../infra/local/services/eventbridge/server.ts';

const FLAKY = 'arn:aws:lambda:us-east-1:000000000000:function:flaky';
const BROKEN = 'arn:aws:lambda:us-east-1:000000000000:function:broken';
const UNREGISTERED = 'arn:aws:lambda:us-east-1:000000000000:function:nobody';
let flakyCalls = 0;
const failures: TargetDeliveryError[] = [];
let server: EventBridgeServer;
let client: EventBridgeClient;

beforeAll(async () => {
  server = await startEventBridgeServer({
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
  client = new EventBridgeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

describe('target delivery', () => {
  it('retries a failing target and reports the ones that never succeed', async () => {
    await client.send(
      new PutRuleCommand({ Name: 'failing', EventPattern: '{"source":["delivery.failures"]}' }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: 'failing',
        Targets: [
          { Id: 'flaky', Arn: FLAKY },
          { Id: 'broken', Arn: BROKEN },
          { Id: 'nobody', Arn: UNREGISTERED },
        ],
      }),
    );
    const out = await client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'delivery.failures', DetailType: 'T', Detail: '{}' }],
      }),
    );
    // PutEvents answers before delivery, as EventBridge does.
    expect(out.FailedEntryCount).toBe(0);
    const deadline = Date.now() + 5_000;
    while (failures.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));

    expect(flakyCalls).toBe(3);
    expect(failures.map((f) => f.targetArn).sort()).toEqual([BROKEN, UNREGISTERED]);
    expect(failures[0]).toMatchObject({
      ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/failing',
      eventId: out.Entries?.[0]?.EventId,
      attempts: 3,
    });
  });
});
