/**
 * An EventBridge rule delivering to SNS through the real local SNS endpoint (Publish with the
 * SDK, Message = the event JSON, as AWS does), observed through an SQS subscription of the topic.
 */

import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventBridgeServer,
  startEventBridgeServer,
} from '../../../../../infra/local/services/eventbridge/server.ts';
import { type SnsServer, startSnsServer } from '../../../../../infra/local/services/sns/server.ts';
import { type SqsServer, startSqsServer } from '../../../../../infra/local/services/sqs/server.ts';

const base = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: new NodeHttpHandler(),
};

let sqs: SqsServer;
let sns: SnsServer;
let eventBridge: EventBridgeServer;
let sqsClient: SQSClient;
let snsClient: SNSClient;
let ebClient: EventBridgeClient;

beforeAll(async () => {
  sqs = await startSqsServer();
  sns = await startSnsServer({ sqsEndpoint: sqs.endpoint });
  eventBridge = await startEventBridgeServer({
    snsEndpoint: sns.endpoint,
    sqsEndpoint: sqs.endpoint,
  });
  sqsClient = new SQSClient({ ...base, endpoint: sqs.endpoint });
  snsClient = new SNSClient({ ...base, endpoint: sns.endpoint });
  ebClient = new EventBridgeClient({ ...base, endpoint: eventBridge.endpoint });
});

afterAll(async () => {
  ebClient.destroy();
  await eventBridge.close();
  snsClient.destroy();
  await sns.close();
  sqsClient.destroy();
  await sqs.close();
});

/** A queue subscribed to `topicArn`, returning its URL. */
async function subscribedQueue(topicArn: string, name: string, raw: boolean): Promise<string> {
  const { QueueUrl } = await sqsClient.send(new CreateQueueCommand({ QueueName: name }));
  await snsClient.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      Attributes: { RawMessageDelivery: String(raw) },
    }),
  );
  return QueueUrl!;
}

async function receiveOne(queueUrl: string): Promise<string> {
  const out = await sqsClient.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
  );
  const body = out.Messages?.[0]?.Body;
  if (body === undefined) throw new Error(`no message on ${queueUrl}`);
  return body;
}

describe('EventBridge rule with an SNS target', () => {
  it('publishes the matched event as the message', async () => {
    const { TopicArn } = await snsClient.send(new CreateTopicCommand({ Name: 'anomaly-alerts' }));
    const raw = await subscribedQueue(TopicArn!, 'alerts-raw', true);
    const wrapped = await subscribedQueue(TopicArn!, 'alerts-envelope', false);
    await ebClient.send(
      new PutRuleCommand({
        Name: 'alert',
        EventPattern: JSON.stringify({
          'detail-type': ['Anomaly'],
          detail: { score: [{ numeric: ['>=', 5] }] },
        }),
      }),
    );
    await ebClient.send(
      new PutTargetsCommand({ Rule: 'alert', Targets: [{ Id: 'topic', Arn: TopicArn! }] }),
    );
    const out = await ebClient.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'telemetry.anomalies',
            DetailType: 'Anomaly',
            Detail: '{"score":7,"source":"s1"}',
          },
        ],
      }),
    );
    const expected = {
      id: out.Entries?.[0]?.EventId,
      source: 'telemetry.anomalies',
      'detail-type': 'Anomaly',
      detail: { score: 7, source: 's1' },
    };
    expect(JSON.parse(await receiveOne(raw))).toMatchObject(expected);
    const envelope = JSON.parse(await receiveOne(wrapped));
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn });
    expect(JSON.parse(envelope.Message)).toMatchObject(expected);
  });
});
