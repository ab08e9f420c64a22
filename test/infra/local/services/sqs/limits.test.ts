import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQS } from '../../../../../infra/limits.ts';
import { type LocalSqs, startSqs, uniqueName } from '../../../../support/local-services.ts';

describe.concurrent('SQS endpoint: limits at their edges', () => {
  let sqs: LocalSqs;
  let QueueUrl: string;
  beforeAll(async () => {
    sqs = await startSqs();
    QueueUrl = (await sqs.client.send(new CreateQueueCommand({ QueueName: uniqueName('limits') })))
      .QueueUrl!;
  });
  afterAll(() => sqs.close());

  const entries = (n: number, body = 'x') =>
    Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: body }));

  it(`accepts a batch of ${SQS.maxBatchEntries} entries and refuses ${SQS.maxBatchEntries + 1}`, async () => {
    const ok = await sqs.client.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: entries(10) }),
    );
    expect(ok.Successful).toHaveLength(10);
    await expect(
      sqs.client.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries(11) })),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
  });

  it('refuses 11 entries in delete and change-visibility batches too', async () => {
    const handles = Array.from({ length: 11 }, (_, i) => ({ Id: `h${i}`, ReceiptHandle: 'x' }));
    await expect(
      sqs.client.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: handles })),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(
      sqs.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: handles.map((h) => ({ ...h, VisibilityTimeout: 1 })),
        }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
  });

  it('refuses empty batches, repeated ids and malformed ids', async () => {
    await expect(
      sqs.client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })),
    ).rejects.toBeInstanceOf(EmptyBatchRequest);
    await expect(
      sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'same', MessageBody: 'a' },
            { Id: 'same', MessageBody: 'b' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
    await expect(
      sqs.client.send(
        new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a.b', MessageBody: 'a' }] }),
      ),
    ).rejects.toBeInstanceOf(InvalidBatchEntryId);
    await expect(
      sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [{ Id: 'i'.repeat(81), MessageBody: 'a' }],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidBatchEntryId);
  });

  it(`accepts a message of exactly ${SQS.maxMessageBytes} bytes and refuses one byte more`, async () => {
    const ok = await sqs.client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(SQS.maxMessageBytes) }),
    );
    expect(ok.MessageId).toBeDefined();
    await expect(
      sqs.client.send(
        new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(SQS.maxMessageBytes + 1) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('counts attribute names, types and values in the message size', async () => {
    // 'k' + 'String' + 'v' = 8 bytes of attribute
    const MessageAttributes = { k: { DataType: 'String', StringValue: 'v' } };
    const fits = 'a'.repeat(SQS.maxMessageBytes - 8);
    await sqs.client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: fits, MessageAttributes }),
    );
    await expect(
      sqs.client.send(
        new SendMessageCommand({ QueueUrl, MessageBody: `${fits}a`, MessageAttributes }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it(`accepts a batch of exactly ${SQS.maxBatchBytes} bytes and refuses one byte more`, async () => {
    const half = SQS.maxBatchBytes / 2;
    const exact = [
      { Id: 'a', MessageBody: 'a'.repeat(half) },
      { Id: 'b', MessageBody: 'b'.repeat(half) },
    ];
    const ok = await sqs.client.send(new SendMessageBatchCommand({ QueueUrl, Entries: exact }));
    expect(ok.Successful).toHaveLength(2);
    await expect(
      sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [exact[0]!, { Id: 'b', MessageBody: 'b'.repeat(half + 1) }],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchRequestTooLong);
  });

  it(`accepts ${SQS.maxMessageAttributes} message attributes and refuses ${SQS.maxMessageAttributes + 1}`, async () => {
    const attributes = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
      );
    await sqs.client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: attributes(10) }),
    );
    await expect(
      sqs.client.send(
        new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: attributes(11) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it("honours a queue's smaller MaximumMessageSize at its edge", async () => {
    const small = (
      await sqs.client.send(
        new CreateQueueCommand({
          QueueName: uniqueName('small'),
          Attributes: { MaximumMessageSize: '1024' },
        }),
      )
    ).QueueUrl!;
    await sqs.client.send(
      new SendMessageCommand({ QueueUrl: small, MessageBody: 'a'.repeat(1024) }),
    );
    await expect(
      sqs.client.send(new SendMessageCommand({ QueueUrl: small, MessageBody: 'a'.repeat(1025) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const batch = await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: small,
        Entries: [
          { Id: 'fits', MessageBody: 'a'.repeat(1024) },
          { Id: 'over', MessageBody: 'a'.repeat(1025) },
        ],
      }),
    );
    expect(batch.Successful?.map((e) => e.Id)).toEqual(['fits']);
    expect(batch.Failed?.map((e) => [e.Id, e.Code])).toEqual([['over', 'InvalidParameterValue']]);
  });

  it(`receives at most ${SQS.maxReceiveMessages} messages and waits at most ${SQS.maxWaitTimeSeconds} s`, async () => {
    await expect(
      sqs.client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      sqs.client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages?.length).toBeLessThanOrEqual(10);
  });

  it('refuses characters outside the XML range with InvalidMessageContents', async () => {
    await expect(
      sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bell\u0007' })),
    ).rejects.toMatchObject({ name: 'InvalidMessageContents' });
  });
});
