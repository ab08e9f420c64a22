/**
 * An EventBridge rule delivering to SNS through the real local SNS endpoint (Publish with the
 * SDK, Message = the event JSON, as AWS does), observed through an SQS subscription of the topic.
 */

import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalEventBridge,
  type LocalSns,
  type LocalSqs,
  receiveOne,
  startEventBridge,
  startSns,
  startSqs,
} from '../../../../support/local-services.ts';

let sqs: LocalSqs;
let sns: LocalSns;
let eventBridge: LocalEventBridge;

beforeAll(async () => {
  sqs = await startSqs();
  sns = await startSns({ sqsEndpoint: sqs.server.endpoint });
  eventBridge = await startEventBridge({
    snsEndpoint: sns.server.endpoint,
    sqsEndpoint: sqs.server.endpoint,
  });
});

afterAll(async () => {
  await eventBridge.close();
  await sns.close();
  await sqs.close();
});

/** A queue subscribed to `topicArn`, returning its URL. */
async function subscribedQueue(topicArn: string, name: string, raw: boolean): Promise<string> {
  const { QueueUrl } = await sqs.client.send(new CreateQueueCommand({ QueueName: name }));
  await sns.client.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      Attributes: { RawMessageDelivery: String(raw) },
    }),
  );
  return QueueUrl!;
}

describe('EventBridge rule with an SNS target', () => {
  it('publishes the matched event as the message', async () => {
    const { TopicArn } = await sns.client.send(new CreateTopicCommand({ Name: 'anomaly-alerts' }));
    const raw = await subscribedQueue(TopicArn!, 'alerts-raw', true);
    const wrapped = await subscribedQueue(TopicArn!, 'alerts-envelope', false);
    await eventBridge.client.send(
      new PutRuleCommand({
        Name: 'alert',
        EventPattern: JSON.stringify({
          'detail-type': ['Anomaly'],
          detail: { score: [{ numeric: ['>=', 5] }] },
        }),
      }),
    );
    await eventBridge.client.send(
      new PutTargetsCommand({ Rule: 'alert', Targets: [{ Id: 'topic', Arn: TopicArn! }] }),
    );
    const out = await eventBridge.client.send(
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
    expect(JSON.parse(await receiveOne(sqs.client, raw))).toMatchObject(expected);
    const envelope = JSON.parse(await receiveOne(sqs.client, wrapped));
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn });
    expect(JSON.parse(envelope.Message)).toMatchObject(expected);
  });
});
