import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSnsServer } from '../../../../../infra/local/services/sns/server.ts';
import { credentials, startSqs } from '../sqs/harness.ts';

describe('SNS endpoint: persistence under dataDir', () => {
  let dataDir = '';
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sns-state-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start() {
    const sqs = await startSqs({ dataDir });
    const server = await startSnsServer({ sqsEndpoint: sqs.server.endpoint, dataDir });
    const sns = new SNSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials,
      requestHandler: new NodeHttpHandler(),
    });
    return {
      sqs,
      sns,
      async close() {
        sns.destroy();
        await server.close();
        await sqs.close();
      },
    };
  }

  it('keeps topics and subscriptions across a restart, and delivers through them', async () => {
    // arrange
    const first = await start();
    const { QueueUrl } = await first.sqs.client.send(
      new CreateQueueCommand({ QueueName: 'alerts-copy' }),
    );
    const { TopicArn } = await first.sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    await first.sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: 'arn:aws:sqs:us-east-1:000000000000:alerts-copy',
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await first.close();
    // act: the restarted SQS endpoint listens on another port; subscriptions name queues by ARN
    const second = await start();
    const listed = await second.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    await second.sns.send(new PublishCommand({ TopicArn, Message: 'after restart' }));
    const url = `${second.sqs.server.endpoint}/000000000000/alerts-copy`;
    const { Messages } = await second.sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }),
    );
    await second.close();
    // assert
    expect(QueueUrl).toContain('/000000000000/alerts-copy');
    expect(listed.Subscriptions).toHaveLength(1);
    expect(Messages?.[0]?.Body).toBe('after restart');
  });
});
