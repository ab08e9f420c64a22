/**
 * The local EventBridge endpoint through the unchanged AWS SDK v3 client: every action, the
 * error codes, and delivery to a local-handler (Lambda-style) target.
 */

import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTBRIDGE_RULES } from '../../../../../infra/limits.ts';
import {
  eventBridgeClientFor,
  type LocalEventBridge,
  startEventBridge,
} from '../../../../support/local-services.ts';

type Event = EventBridgeEvent<string, unknown>;
const HANDLER_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:anomaly-router';
const received: Event[] = [];
const waiters: ((e: Event) => void)[] = [];

let eventBridge: LocalEventBridge;

beforeAll(async () => {
  eventBridge = await startEventBridge({
    lambdaTargets: new Map([
      [
        HANDLER_ARN,
        async (event: Event) => {
          received.push(event);
          for (const wake of waiters.splice(0)) wake(event);
        },
      ],
    ]),
  });
});

afterAll(() => eventBridge.close());

/** Resolves with the next event a local handler receives whose source is `source`. */
function nextEvent(source: string, timeoutMillis = 5_000): Promise<Event> {
  const already = received.find((e) => e.source === source);
  if (already) return Promise.resolve(already);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event from ${source}`)), timeoutMillis);
    const wait = (e: Event) => {
      if (e.source === source) {
        clearTimeout(timer);
        resolve(e);
      } else waiters.push(wait);
    };
    waiters.push(wait);
  });
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('the call succeeded');
}

describe('buses and rules', () => {
  it('creates a bus, and refuses to create it twice', async () => {
    const out = await eventBridge.client.send(
      new CreateEventBusCommand({ Name: 'telemetry-anomalies' }),
    );
    expect(out.EventBusArn).toBe(
      'arn:aws:events:us-east-1:000000000000:event-bus/telemetry-anomalies',
    );
    const error = await errorOf(
      eventBridge.client.send(new CreateEventBusCommand({ Name: 'telemetry-anomalies' })),
    );
    expect(error.name).toBe('ResourceAlreadyExistsException');
  });

  it('puts, describes, lists and deletes rules on the default and a custom bus', async () => {
    const pattern = JSON.stringify({ source: ['rules.test'] });
    const onDefault = await eventBridge.client.send(
      new PutRuleCommand({ Name: 'r-default', EventPattern: pattern }),
    );
    expect(onDefault.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/r-default');
    const onCustom = await eventBridge.client.send(
      new PutRuleCommand({
        Name: 'r-custom',
        EventPattern: pattern,
        EventBusName: 'telemetry-anomalies',
        State: 'DISABLED',
      }),
    );
    expect(onCustom.RuleArn).toBe(
      'arn:aws:events:us-east-1:000000000000:rule/telemetry-anomalies/r-custom',
    );

    const described = await eventBridge.client.send(
      new DescribeRuleCommand({ Name: 'r-custom', EventBusName: 'telemetry-anomalies' }),
    );
    expect(described).toMatchObject({
      Name: 'r-custom',
      State: 'DISABLED',
      EventPattern: pattern,
      EventBusName: 'telemetry-anomalies',
    });

    const listed = await eventBridge.client.send(new ListRulesCommand({ NamePrefix: 'r-' }));
    expect(listed.Rules?.map((r) => r.Name)).toEqual(['r-default']);

    await eventBridge.client.send(new DeleteRuleCommand({ Name: 'r-default' }));
    const after = await eventBridge.client.send(new ListRulesCommand({ NamePrefix: 'r-' }));
    expect(after.Rules).toEqual([]);
  });

  it('pages ListRules with Limit and NextToken', async () => {
    for (const n of [1, 2, 3]) {
      await eventBridge.client.send(
        new PutRuleCommand({ Name: `page-${n}`, EventPattern: '{"source":["x"]}' }),
      );
    }
    const first = await eventBridge.client.send(
      new ListRulesCommand({ NamePrefix: 'page-', Limit: 2 }),
    );
    expect(first.Rules?.map((r) => r.Name)).toEqual(['page-1', 'page-2']);
    const second = await eventBridge.client.send(
      new ListRulesCommand({ NamePrefix: 'page-', Limit: 2, NextToken: first.NextToken }),
    );
    expect(second.Rules?.map((r) => r.Name)).toEqual(['page-3']);
    expect(second.NextToken).toBeUndefined();
  });

  it('rejects an invalid pattern with InvalidEventPatternException naming the bad part', async () => {
    const error = await errorOf(
      eventBridge.client.send(
        new PutRuleCommand({
          Name: 'bad',
          EventPattern: '{"detail":{"n":[{"numeric":[">","x"]}]}}',
        }),
      ),
    );
    expect(error.name).toBe('InvalidEventPatternException');
    expect(error.message).toContain('detail.n');
  });

  it('accepts an EventPattern of 4,096 characters and refuses 4,097 with ValidationException', async () => {
    const patternOf = (length: number) => {
      const shell = '{"source":[""]}';
      return `{"source":["${'x'.repeat(length - shell.length)}"]}`;
    };
    expect(patternOf(EVENTBRIDGE_RULES.maxEventPatternLength)).toHaveLength(4096);
    await eventBridge.client.send(
      new PutRuleCommand({ Name: 'long', EventPattern: patternOf(4096) }),
    );
    const error = await errorOf(
      eventBridge.client.send(new PutRuleCommand({ Name: 'long', EventPattern: patternOf(4097) })),
    );
    expect(error.name).toBe('ValidationException');
    await eventBridge.client.send(new DeleteRuleCommand({ Name: 'long' }));
  });

  it('answers ResourceNotFoundException for an unknown bus or rule', async () => {
    const bus = await errorOf(
      eventBridge.client.send(
        new PutRuleCommand({ Name: 'x', EventPattern: '{"a":["b"]}', EventBusName: 'nope' }),
      ),
    );
    expect(bus.name).toBe('ResourceNotFoundException');
    const rule = await errorOf(
      eventBridge.client.send(new DescribeRuleCommand({ Name: 'missing' })),
    );
    expect(rule.name).toBe('ResourceNotFoundException');
  });
});

describe('targets', () => {
  it('puts, lists and removes targets; a rule with targets is not deleted without Force', async () => {
    await eventBridge.client.send(
      new PutRuleCommand({ Name: 't-rule', EventPattern: '{"source":["targets.test"]}' }),
    );
    const put = await eventBridge.client.send(
      new PutTargetsCommand({
        Rule: 't-rule',
        Targets: [
          { Id: 'handler', Arn: HANDLER_ARN },
          { Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:anomaly-remediation' },
          { Id: 'unknown', Arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:x' },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(1);
    expect(put.FailedEntries?.[0]?.TargetId).toBe('unknown');
    const listed = await eventBridge.client.send(new ListTargetsByRuleCommand({ Rule: 't-rule' }));
    expect(listed.Targets?.map((t) => t.Id).sort()).toEqual(['handler', 'queue']);

    const refused = await errorOf(
      eventBridge.client.send(new DeleteRuleCommand({ Name: 't-rule' })),
    );
    expect(refused.name).toBe('ValidationException');

    const removed = await eventBridge.client.send(
      new RemoveTargetsCommand({ Rule: 't-rule', Ids: ['queue', 'handler'] }),
    );
    expect(removed.FailedEntryCount).toBe(0);
    await eventBridge.client.send(new DeleteRuleCommand({ Name: 't-rule' }));
  });

  it('refuses a sixth target with LimitExceededException', async () => {
    await eventBridge.client.send(
      new PutRuleCommand({ Name: 'six', EventPattern: '{"source":["six"]}' }),
    );
    const targets = [1, 2, 3, 4, 5, 6].map((n) => ({ Id: `t${n}`, Arn: HANDLER_ARN }));
    // LimitExceededException is a throttling error to the SDK: one attempt keeps the test quick.
    const once = eventBridgeClientFor(eventBridge.server.endpoint, { maxAttempts: 1 });
    const error = await errorOf(
      once.send(new PutTargetsCommand({ Rule: 'six', Targets: targets })),
    );
    once.destroy();
    expect(error.name).toBe('LimitExceededException');
    const five = await eventBridge.client.send(
      new PutTargetsCommand({ Rule: 'six', Targets: targets.slice(0, 5) }),
    );
    expect(five.FailedEntryCount).toBe(0);
    await eventBridge.client.send(new DeleteRuleCommand({ Name: 'six', Force: true }));
  });
});

describe('PutEvents and delivery', () => {
  it('delivers a matching event to a local handler target, and only a matching one', async () => {
    await eventBridge.client.send(
      new PutRuleCommand({
        Name: 'deliver',
        EventBusName: 'telemetry-anomalies',
        EventPattern: JSON.stringify({
          source: ['delivery.test'],
          detail: { score: [{ numeric: ['>', 3] }] },
        }),
      }),
    );
    await eventBridge.client.send(
      new PutTargetsCommand({
        Rule: 'deliver',
        EventBusName: 'telemetry-anomalies',
        Targets: [{ Id: 'h', Arn: HANDLER_ARN }],
      }),
    );
    const out = await eventBridge.client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'delivery.ignored',
            DetailType: 'Anomaly',
            Detail: '{"score":9}',
            EventBusName: 'telemetry-anomalies',
          },
          {
            Source: 'delivery.test',
            DetailType: 'Anomaly',
            Detail: '{"score":9}',
            Resources: ['arn:aws:kinesis:us-east-1:000000000000:stream/telemetry-events'],
            Time: new Date('2025-01-02T03:04:05.678Z'),
            EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/telemetry-anomalies',
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const event = await nextEvent('delivery.test');
    expect(event).toMatchObject({
      version: '0',
      id: out.Entries?.[1]?.EventId,
      'detail-type': 'Anomaly',
      account: '000000000000',
      region: 'us-east-1',
      time: '2025-01-02T03:04:05Z',
      resources: ['arn:aws:kinesis:us-east-1:000000000000:stream/telemetry-events'],
      detail: { score: 9 },
    });
    expect(received.some((e) => e.source === 'delivery.ignored')).toBe(false);
  });

  it('reports failed entries one by one', async () => {
    const out = await eventBridge.client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'ok', DetailType: 'T', Detail: '{}' },
          { Source: 'ok', DetailType: 'T', Detail: 'not json' },
          { Source: 'ok', DetailType: 'T' },
          { Source: 'ok', DetailType: 'T', Detail: '{}', EventBusName: 'no-such-bus' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries?.map((e) => e.ErrorCode)).toEqual([
      undefined,
      'MalformedDetail',
      'InvalidArgument',
      'ResourceNotFoundException',
    ]);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('TestEventPattern', () => {
  const event = JSON.stringify({
    id: '1',
    account: '000000000000',
    source: 'aws.ec2',
    time: '2017-12-22T18:43:48Z',
    region: 'us-east-1',
    resources: [],
    'detail-type': 'EC2 Instance State-change Notification',
    detail: { state: 'terminated' },
  });
  it('answers true and false', async () => {
    const yes = await eventBridge.client.send(
      new TestEventPatternCommand({
        EventPattern: '{"detail":{"state":["terminated"]}}',
        Event: event,
      }),
    );
    expect(yes.Result).toBe(true);
    const no = await eventBridge.client.send(
      new TestEventPatternCommand({
        EventPattern: '{"source":[{"prefix":"aws.s3"}]}',
        Event: event,
      }),
    );
    expect(no.Result).toBe(false);
  });
  it('rejects an invalid pattern', async () => {
    const error = await errorOf(
      eventBridge.client.send(
        new TestEventPatternCommand({ EventPattern: '{"source":[]}', Event: event }),
      ),
    );
    expect(error.name).toBe('InvalidEventPatternException');
  });
});
