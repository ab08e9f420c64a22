/**
 * An EventBridge rule delivering to SQS through the real local SQS endpoint (SendMessage with
 * the SDK, as AWS does): the message body is the event JSON, `InputPath` narrows it, and an
 * undeliverable target's events go to its dead-letter queue.
 */

import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetDeliveryError } from '../../../../../infra/local/services/eventbridge/errors.ts';
import {
  eventually,
  type LocalEventBridge,
  type LocalSqs,
  receiveOne,
  startEventBridge,
  startSqs,
} from '../../../../support/local-services.ts';

const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

let sqs: LocalSqs;
let eventBridge: LocalEventBridge;
const failures: TargetDeliveryError[] = [];

beforeAll(async () => {
  sqs = await startSqs();
  eventBridge = await startEventBridge({
    sqsEndpoint: sqs.server.endpoint,
    onDeliveryError: (error) => failures.push(error),
  });
});

afterAll(async () => {
  await eventBridge.close();
  await sqs.close();
});

async function queue(name: string): Promise<string> {
  const out = await sqs.client.send(new CreateQueueCommand({ QueueName: name }));
  return out.QueueUrl!;
}

describe('EventBridge rule with an SQS target', () => {
  it('sends the matched event as the message body', async () => {
    const url = await queue('anomaly-remediation');
    await eventBridge.client.send(
      new PutRuleCommand({
        Name: 'remediate',
        EventPattern: JSON.stringify({
          source: ['telemetry.anomalies'],
          detail: { severity: ['high'] },
        }),
      }),
    );
    await eventBridge.client.send(
      new PutTargetsCommand({
        Rule: 'remediate',
        Targets: [{ Id: 'q', Arn: queueArn('anomaly-remediation') }],
      }),
    );
    const out = await eventBridge.client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'telemetry.anomalies', DetailType: 'Anomaly', Detail: '{"severity":"low"}' },
          {
            Source: 'telemetry.anomalies',
            DetailType: 'Anomaly',
            Detail: '{"severity":"high","key":"k1"}',
          },
        ],
      }),
    );
    const body = JSON.parse(await receiveOne(sqs.client, url));
    expect(body).toMatchObject({
      id: out.Entries?.[1]?.EventId,
      source: 'telemetry.anomalies',
      'detail-type': 'Anomaly',
      detail: { severity: 'high', key: 'k1' },
    });
    // The low-severity event matched nothing, so the queue is now empty.
    const rest = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }),
    );
    expect(rest.Messages ?? []).toEqual([]);
  });

  it('sends only the part named by InputPath', async () => {
    const url = await queue('details-only');
    await eventBridge.client.send(
      new PutRuleCommand({ Name: 'details', EventPattern: '{"source":["input.path"]}' }),
    );
    await eventBridge.client.send(
      new PutTargetsCommand({
        Rule: 'details',
        Targets: [{ Id: 'q', Arn: queueArn('details-only'), InputPath: '$.detail' }],
      }),
    );
    await eventBridge.client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'input.path', DetailType: 'T', Detail: '{"a":{"b":1}}' }],
      }),
    );
    expect(JSON.parse(await receiveOne(sqs.client, url))).toEqual({ a: { b: 1 } });
  });

  it('sends an event that cannot be delivered to the dead-letter queue and reports it', async () => {
    const dlqUrl = await queue('events-dlq');
    await eventBridge.client.send(
      new PutRuleCommand({ Name: 'to-nowhere', EventPattern: '{"source":["dlq.test"]}' }),
    );
    await eventBridge.client.send(
      new PutTargetsCommand({
        Rule: 'to-nowhere',
        Targets: [
          {
            Id: 'missing',
            Arn: queueArn('no-such-queue'),
            DeadLetterConfig: { Arn: queueArn('events-dlq') },
          },
        ],
      }),
    );
    const out = await eventBridge.client.send(
      new PutEventsCommand({ Entries: [{ Source: 'dlq.test', DetailType: 'T', Detail: '{}' }] }),
    );
    const body = JSON.parse(await receiveOne(sqs.client, dlqUrl));
    expect(body.id).toBe(out.Entries?.[0]?.EventId);
    // The failure is reported once the DLQ send has completed, a moment after the message lands.
    await eventually(() => failures.length > 0);
    expect(failures.map((f) => f.targetArn)).toContain(queueArn('no-such-queue'));
  });
});
