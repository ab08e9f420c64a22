import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqs, uniqueName } from './harness.ts';

describe('SQS endpoint: redrive to the dead-letter queue', () => {
  let sqs: Awaited<ReturnType<typeof startSqs>>;
  let client: SQSClient;
  beforeAll(async () => {
    sqs = await startSqs();
    client = sqs.client;
  });
  afterAll(() => sqs.close());

  it('moves a message received maxReceiveCount times to the DLQ on its next receive', async () => {
    // arrange
    const dlqUrl = (await client.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') })))
      .QueueUrl!;
    const dlqArn = (
      await client.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes!.QueueArn!;
    const QueueUrl = (
      await client.send(
        new CreateQueueCommand({
          QueueName: uniqueName('source'),
          Attributes: {
            VisibilityTimeout: '0',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
          },
        }),
      )
    ).QueueUrl!;
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'poison',
        MessageAttributes: { why: { DataType: 'String', StringValue: 'test' } },
      }),
    );
    // act: two receives that do not delete, then a third
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl }));
    const second = await client.send(new ReceiveMessageCommand({ QueueUrl }));
    const third = await client.send(new ReceiveMessageCommand({ QueueUrl }));
    const dead = await client.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageAttributeNames: ['All'] }),
    );
    const sources = await client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
    // assert
    expect(first.Messages?.[0]?.MessageId).toBe(sent.MessageId);
    expect(second.Messages?.[0]?.MessageId).toBe(sent.MessageId);
    expect(third.Messages).toBeUndefined();
    expect(dead.Messages?.[0]?.MessageId).toBe(sent.MessageId);
    expect(dead.Messages?.[0]?.Body).toBe('poison');
    expect(dead.Messages?.[0]?.MessageAttributes?.why?.StringValue).toBe('test');
    expect(sources.queueUrls).toEqual([QueueUrl]);
  });

  it('normalises maxReceiveCount and removes a policy set to the empty string', async () => {
    const dlqUrl = (await client.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') })))
      .QueueUrl!;
    const dlqArn = (
      await client.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes!.QueueArn!;
    const QueueUrl = (
      await client.send(
        new CreateQueueCommand({
          QueueName: uniqueName('source'),
          Attributes: {
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '1' }),
          },
        }),
      )
    ).QueueUrl!;
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 1,
    });
    await client.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: '' } }),
    );
    const after = await client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(after.Attributes).toBeUndefined();
  });
});
