import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createQueue,
  type LocalSqs,
  startSqs,
  uniqueName,
} from '../../../../support/local-services.ts';

describe('SQS endpoint: redrive to the dead-letter queue', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  it('moves a message received maxReceiveCount times to the DLQ on its next receive', async () => {
    // arrange
    const dlq = await createQueue(sqs.client, uniqueName('dlq'));
    const { url: QueueUrl } = await createQueue(sqs.client, uniqueName('source'), {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const sent = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'poison',
        MessageAttributes: { why: { DataType: 'String', StringValue: 'test' } },
      }),
    );
    // act: two receives that do not delete, then a third
    const first = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    const second = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    const third = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    const dead = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageAttributeNames: ['All'] }),
    );
    const sources = await sqs.client.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }),
    );
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
    const dlq = await createQueue(sqs.client, uniqueName('dlq'));
    const { url: QueueUrl } = await createQueue(sqs.client, uniqueName('source'), {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '1' }),
    });
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: 1,
    });
    await sqs.client.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: '' } }),
    );
    const after = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(after.Attributes).toBeUndefined();
  });
});
