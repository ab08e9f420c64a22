import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSns, startSqs } from '../../../../support/local-services.ts';

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
    const sns = await startSns({ sqsEndpoint: sqs.server.endpoint, dataDir });
    return {
      sqs,
      sns,
      async close() {
        await sns.close();
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
    const { TopicArn } = await first.sns.client.send(new CreateTopicCommand({ Name: 'alerts' }));
    await first.sns.client.send(
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
    const listed = await second.sns.client.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    await second.sns.client.send(new PublishCommand({ TopicArn, Message: 'after restart' }));
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
