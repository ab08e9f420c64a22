/**
 * An EventBridge rule delivering to SQS through the real local SQS endpoint (SendMessage with
 * the SDK, as AWS does): the message body is the event JSON, `InputPath` narrows it, and an
 * undeliverable target's events go to its dead-letter queue.
 */

import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetDeliveryError } from '../../../../../infra/local/services/eventbridge/errors.ts';
import {
  type EventBridgeServer,
  startEventBridgeServer,
} from '../../../../../infra/local/services/eventbridge/server.ts';
import { type SqsServer, startSqsServer } from '../../../../../infra/local/services/sqs/server.ts';

const base = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: new NodeHttpHandler(),
};
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

let sqs: SqsServer;
let eventBridge: EventBridgeServer;
let sqsClient: SQSClient;
let ebClient: EventBridgeClient;
const failures: TargetDeliveryError[] = [];

beforeAll(async () => {
  sqs = await startSqsServer();
  eventBridge = await startEventBridgeServer({
    sqsEndpoint: sqs.endpoint,
    onDeliveryError: (error) => failures.push(error),
  });
  sqsClient = new SQSClient({ ...base, endpoint: sqs.endpoint });
  ebClient = new EventBridgeClient({ ...base, endpoint: eventBridge.endpoint });
});

afterAll(async () => {
  ebClient.destroy();
  await eventBridge.close();
  sqsClient.destroy();
  await sqs.close();
});

async function queue(name: string): Promise<string> {
  const out = await sqsClient.send(new CreateQueueCommand({ QueueName: name }));
  return out.QueueUrl!;
}

async function receiveOne(queueUrl: string): Promise<string> {
  const out = await sqsClient.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
  );
  const body = out.Messages?.[0]?.Body;
  if (body === undefined) throw new Error(`no message on ${queueUrl}`);
  return body;
}

describe('EventBridge rule with an SQS target', () => {
  it('sends the matched event as the message body', async () => {
    const url = await queue('anomaly-remediation');
    await ebClient.send(
      new PutRuleCommand({
        Name: 'remediate',
        EventPattern: JSON.stringify({
          source: ['telemetry.anomalies'],
          detail: { severity: ['high'] },
        }),
      }),
    );
    await ebClient.send(
      new PutTargetsCommand({
        Rule: 'remediate',
        Targets: [{ Id: 'q', Arn: queueArn('anomaly-remediation') }],
      }),
    );
    const out = await ebClient.send(
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
    const body = JSON.parse(await receiveOne(url));
    expect(body).toMatchObject({
      id: out.Entries?.[1]?.EventId,
      source: 'telemetry.anomalies',
      'detail-type': 'Anomaly',
      detail: { severity: 'high', key: 'k1' },
    });
    // The low-severity event matched nothing, so the queue is now empty.
    const rest = await sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }),
    );
    expect(rest.Messages ?? []).toEqual([]);
  });

  it('sends only the part named by InputPath', async () => {
    const url = await queue('details-only');
    await ebClient.send(
      new PutRuleCommand({ Name: 'details', EventPattern: '{"source":["input.path"]}' }),
    );
    await ebClient.send(
      new PutTargetsCommand({
        Rule: 'details',
        Targets: [{ Id: 'q', Arn: queueArn('details-only'), InputPath: '$.detail' }],
      }),
    );
    await ebClient.send(
      new PutEventsCommand({
        Entries: [{ Source: 'input.path', DetailType: 'T', Detail: '{"a":{"b":1}}' }],
      }),
    );
    expect(JSON.parse(await receiveOne(url))).toEqual({ a: { b: 1 } });
  });

  it('sends an event that cannot be delivered to the dead-letter queue and reports it', async () => {
    const dlqUrl = await queue('events-dlq');
    await ebClient.send(
      new PutRuleCommand({ Name: 'to-nowhere', EventPattern: '{"source":["dlq.test"]}' }),
    );
    await ebClient.send(
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
    const out = await ebClient.send(
      new PutEventsCommand({ Entries: [{ Source: 'dlq.test', DetailType: 'T', Detail: '{}' }] }),
    );
    const body = JSON.parse(await receiveOne(dlqUrl));
    expect(body.id).toBe(out.Entries?.[0]?.EventId);
    // The failure is reported once the DLQ send has completed, a moment after the message lands.
    const deadline = Date.now() + 2_000;
    while (failures.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(failures.map((f) => f.targetArn)).toContain(queueArn('no-such-queue'));
  });
});
