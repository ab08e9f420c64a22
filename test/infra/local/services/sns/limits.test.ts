import {
  BatchEntryIdsNotDistinctException,
  BatchRequestTooLongException,
  CreateTopicCommand,
  EmptyBatchRequestException,
  InvalidParameterException,
  PublishBatchCommand,
  PublishCommand,
  TooManyEntriesInBatchRequestException,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNS } from '../../../../../infra/limits.ts';
import { type SnsHarness, startSnsHarness, uniqueName } from './harness.ts';

describe.concurrent('SNS endpoint: limits at their edges', () => {
  let h: SnsHarness;
  let TopicArn: string;
  beforeAll(async () => {
    h = await startSnsHarness();
    TopicArn = (await h.sns.send(new CreateTopicCommand({ Name: uniqueName('limits') }))).TopicArn!;
  });
  afterAll(() => h.close());

  it(`accepts a message of exactly ${SNS.maxMessageBytes} bytes and refuses one byte more`, async () => {
    const ok = await h.sns.send(
      new PublishCommand({ TopicArn, Message: 'a'.repeat(SNS.maxMessageBytes) }),
    );
    expect(ok.MessageId).toBeDefined();
    const over = h.sns.send(
      new PublishCommand({ TopicArn, Message: 'a'.repeat(SNS.maxMessageBytes + 1) }),
    );
    await expect(over).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(over).rejects.toThrow('Invalid parameter: Message too long');
  });

  it('counts message attributes in the size', async () => {
    // 'k' + 'String' + 'v' = 8 bytes
    const MessageAttributes = { k: { DataType: 'String', StringValue: 'v' } };
    const fits = 'a'.repeat(SNS.maxMessageBytes - 8);
    await h.sns.send(new PublishCommand({ TopicArn, Message: fits, MessageAttributes }));
    await expect(
      h.sns.send(new PublishCommand({ TopicArn, Message: `${fits}a`, MessageAttributes })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it(`accepts ${SNS.maxMessageAttributes} message attributes and refuses ${SNS.maxMessageAttributes + 1}`, async () => {
    const attributes = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
      );
    await h.sns.send(
      new PublishCommand({ TopicArn, Message: 'x', MessageAttributes: attributes(10) }),
    );
    await expect(
      h.sns.send(new PublishCommand({ TopicArn, Message: 'x', MessageAttributes: attributes(11) })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it(`accepts a batch of ${SNS.maxPublishBatchEntries} entries and refuses ${SNS.maxPublishBatchEntries + 1}`, async () => {
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, Message: 'x' }));
    const ok = await h.sns.send(
      new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries(10) }),
    );
    expect(ok.Successful).toHaveLength(10);
    await expect(
      h.sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries(11) })),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequestException);
  });

  it(`accepts a batch of exactly ${SNS.maxMessageBytes} bytes and refuses one byte more`, async () => {
    const half = SNS.maxMessageBytes / 2;
    const exact = [
      { Id: 'a', Message: 'a'.repeat(half) },
      { Id: 'b', Message: 'b'.repeat(half) },
    ];
    const ok = await h.sns.send(
      new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: exact }),
    );
    expect(ok.Successful).toHaveLength(2);
    await expect(
      h.sns.send(
        new PublishBatchCommand({
          TopicArn,
          PublishBatchRequestEntries: [exact[0]!, { Id: 'b', Message: 'b'.repeat(half + 1) }],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchRequestTooLongException);
  });

  it('refuses empty batches and repeated ids, and fails a bad entry on its own', async () => {
    await expect(
      h.sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [] })),
    ).rejects.toBeInstanceOf(EmptyBatchRequestException);
    await expect(
      h.sns.send(
        new PublishBatchCommand({
          TopicArn,
          PublishBatchRequestEntries: [
            { Id: 'x', Message: 'a' },
            { Id: 'x', Message: 'b' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinctException);
    const mixed = await h.sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: [
          { Id: 'good', Message: 'a' },
          {
            Id: 'bad',
            Message: 'b',
            MessageAttributes: { n: { DataType: 'Number', StringValue: 'NaN?' } },
          },
        ],
      }),
    );
    expect(mixed.Successful?.map((e) => e.Id)).toEqual(['good']);
    expect(mixed.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', Code: 'InvalidParameter', SenderFault: true }),
    ]);
  });

  it('refuses an empty message', async () => {
    await expect(h.sns.send(new PublishCommand({ TopicArn, Message: '' }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});
