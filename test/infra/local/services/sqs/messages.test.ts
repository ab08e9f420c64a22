import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5OfMessageAttributes } from '../../../../../infra/local/services/sqs/md5.ts';
import { type LocalSqs, startSqs, uniqueName } from '../../../../support/local-services.ts';

describe.concurrent('SQS endpoint: messages (AWS SDK v3, JSON protocol)', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  async function queue(attributes: Record<string, string> = {}): Promise<string> {
    const { QueueUrl } = await sqs.client.send(
      new CreateQueueCommand({ QueueName: uniqueName('msg'), Attributes: attributes }),
    );
    return QueueUrl!;
  }

  it('sends and receives a message with attributes and the MD5s clients verify', async () => {
    // arrange
    const QueueUrl = await queue();
    const MessageAttributes = {
      kind: { DataType: 'String', StringValue: 'alert' },
      level: { DataType: 'Number', StringValue: '3' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
    };
    const expectedMd5 = md5OfMessageAttributes({
      kind: { DataType: 'String', StringValue: 'alert' },
      level: { DataType: 'Number', StringValue: '3' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]).toString('base64') },
    });
    // act
    const sent = await sqs.client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'héllo\r\n<&>', MessageAttributes }),
    );
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    // assert
    expect(sent.MD5OfMessageAttributes).toBe(expectedMd5);
    expect(Messages).toHaveLength(1);
    const [message] = Messages!;
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.Body).toBe('héllo\r\n<&>');
    expect(message?.MD5OfMessageAttributes).toBe(expectedMd5);
    expect(message?.MessageAttributes?.kind).toEqual({ DataType: 'String', StringValue: 'alert' });
    expect(message?.MessageAttributes?.blob?.BinaryValue).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(message?.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SenderId: '000000000000',
    });
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThan(1_600_000_000_000);
  });

  it('returns only the message attributes asked for, with the MD5 of those', async () => {
    const QueueUrl = await queue();
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'x',
        MessageAttributes: {
          'app.a': { DataType: 'String', StringValue: '1' },
          other: { DataType: 'String', StringValue: '2' },
        },
      }),
    );
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['app.*'] }),
    );
    expect(Object.keys(Messages?.[0]?.MessageAttributes ?? {})).toEqual(['app.a']);
    expect(Messages?.[0]?.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({ 'app.a': { DataType: 'String', StringValue: '1' } }),
    );
  });

  it('long polls: a waiting receive returns as soon as a message is sent', async () => {
    // arrange
    const QueueUrl = await queue();
    const started = Date.now();
    const receiving = sqs.client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    await new Promise((r) => setTimeout(r, 300));
    // act
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late' }));
    const { Messages } = await receiving;
    // assert
    expect(Messages?.[0]?.Body).toBe('late');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(4_000);
  });

  it('long polls until WaitTimeSeconds and returns no messages', async () => {
    const QueueUrl = await queue();
    const started = Date.now();
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }),
    );
    expect(Messages).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('hides a received message for the visibility timeout, then delivers it again', async () => {
    // arrange
    const QueueUrl = await queue({ VisibilityTimeout: '1' });
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const first = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    // act
    const hidden = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    const counts = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    const second = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        WaitTimeSeconds: 3,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    // assert
    expect(hidden.Messages).toBeUndefined();
    expect(counts.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');
    expect(second.Messages?.[0]?.MessageId).toBe(first.Messages?.[0]?.MessageId);
    expect(second.Messages?.[0]?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle);
    expect(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('deletes received messages, singly and in batches', async () => {
    const QueueUrl = await queue();
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['a', 'b', 'c'].map((Id) => ({ Id, MessageBody: Id })),
      }),
    );
    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
    await sqs.client.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }),
    );
    const batch = await sqs.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'one', ReceiptHandle: Messages[1]!.ReceiptHandle },
          { Id: 'two', ReceiptHandle: Messages[2]!.ReceiptHandle },
          { Id: 'bad', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    expect(batch.Successful?.map((e) => e.Id)).toEqual(['one', 'two']);
    expect(batch.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
    ]);
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
  });

  it('refuses a malformed receipt handle with ReceiptHandleIsInvalid', async () => {
    const QueueUrl = await queue();
    await expect(
      sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' })),
    ).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('changes visibility: 0 returns a message at once, batches report each entry', async () => {
    // arrange
    const QueueUrl = await queue({ VisibilityTimeout: '600' });
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'v' }));
    const first = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    const handle = first.Messages![0]!.ReceiptHandle!;
    // act
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    const again = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    const batch = await sqs.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          {
            Id: 'current',
            ReceiptHandle: again.Messages![0]!.ReceiptHandle!,
            VisibilityTimeout: 0,
          },
          { Id: 'stale', ReceiptHandle: handle, VisibilityTimeout: 0 },
        ],
      }),
    );
    // assert
    expect(again.Messages?.[0]?.Body).toBe('v');
    expect(batch.Successful?.map((e) => e.Id)).toEqual(['current']);
    expect(batch.Failed?.map((e) => [e.Id, e.Code])).toEqual([['stale', 'InvalidParameterValue']]);
  });

  it('refuses to change the visibility of a message that is no longer in flight', async () => {
    const QueueUrl = await queue({ VisibilityTimeout: '1' });
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'v' }));
    const { Messages } = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    await new Promise((r) => setTimeout(r, 1_100));
    await expect(
      sqs.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: Messages![0]!.ReceiptHandle,
          VisibilityTimeout: 10,
        }),
      ),
    ).rejects.toMatchObject({ name: 'MessageNotInflight' });
  });

  it('delays a message by DelaySeconds', async () => {
    const QueueUrl = await queue();
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'd', DelaySeconds: 1 }));
    const early = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    const late = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 3 }));
    expect(early.Messages).toBeUndefined();
    expect(late.Messages?.[0]?.Body).toBe('d');
  });

  it('uses the queue ReceiveMessageWaitTimeSeconds when the request has none', async () => {
    const QueueUrl = await queue({ ReceiveMessageWaitTimeSeconds: '1' });
    const started = Date.now();
    await sqs.client.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('ends a long poll promptly when the server closes', async () => {
    // arrange: a second server, so closing it does not disturb the other tests
    const other = await startSqs();
    const { QueueUrl } = await other.client.send(new CreateQueueCommand({ QueueName: 'closing' }));
    const receiving = other.client.send(
      new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }),
    );
    await new Promise((r) => setTimeout(r, 200));
    // act
    const started = Date.now();
    await other.server.close();
    const result = await receiving.catch((error: unknown) => error);
    other.client.destroy();
    // assert
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });
});
