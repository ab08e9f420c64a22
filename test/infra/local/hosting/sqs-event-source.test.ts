import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../infra/errors.ts';
import {
  SqsEventSource,
  type SqsHandler,
} from '../../../../infra/local/hosting/sqs-event-source.ts';
import {
  createQueue,
  eventually,
  type LocalSqs,
  startSqs,
  uniqueName,
} from '../../../support/local-services.ts';

describe.concurrent('SqsEventSource', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  const queue = (attributes: Record<string, string> = {}) =>
    createQueue(sqs.client, uniqueName('esm'), attributes);

  async function counts(url: string): Promise<Record<string, string>> {
    return (
      await sqs.client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
      )
    ).Attributes!;
  }

  async function sendMany(url: string, n: number): Promise<void> {
    for (let start = 0; start < n; start += 10) {
      const ids = Array.from({ length: Math.min(10, n - start) }, (_, i) => start + i);
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: ids.map((i) => ({
            Id: `m${i}`,
            MessageBody: `body-${i}`,
            MessageAttributes: { index: { DataType: 'Number', StringValue: String(i) } },
          })),
        }),
      );
    }
  }

  it('invokes the handler with real SQSEvents in batches of batchSize and deletes what succeeded', async () => {
    // arrange
    const { url, arn } = await queue();
    await sendMany(url, 25);
    const events: SQSEvent[] = [];
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      batchSize: 20,
      maxBatchingWindowMillis: 1_000,
      handler: async (event) => {
        events.push(event);
      },
    });
    // act
    source.start();
    await eventually(() => events.reduce((n, e) => n + e.Records.length, 0) >= 25, 10_000);
    await source.stop();
    // assert
    expect(events[0]?.Records).toHaveLength(20);
    expect(events.reduce((n, e) => n + e.Records.length, 0)).toBe(25);
    const record = events[0]!.Records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1', SenderId: '000000000000' },
    });
    expect(record.body).toMatch(/^body-\d+$/);
    expect(record.messageAttributes.index).toMatchObject({
      dataType: 'Number',
      stringListValues: [],
    });
    expect(record.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(source.stats.messagesDeleted).toBe(25);
    const after = await counts(url);
    expect([
      after.ApproximateNumberOfMessages,
      after.ApproximateNumberOfMessagesNotVisible,
    ]).toEqual(['0', '0']);
  });

  it('waits for the batching window before invoking with a short batch', async () => {
    const { url, arn } = await queue();
    const sizes: number[] = [];
    let firstInvokeAt = 0;
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      batchSize: 5,
      maxBatchingWindowMillis: 600,
      handler: async (event) => {
        firstInvokeAt ||= Date.now();
        sizes.push(event.Records.length);
      },
    });
    source.start();
    const sentAt = Date.now();
    await sendMany(url, 2);
    await eventually(() => sizes.length > 0, 10_000);
    await source.stop();
    expect(sizes).toEqual([2]);
    expect(firstInvokeAt - sentAt).toBeGreaterThanOrEqual(500);
  });

  it('honours batchItemFailures: only the failed message returns, after the visibility timeout', async () => {
    // arrange
    const { url, arn } = await queue({ VisibilityTimeout: '1' });
    await sendMany(url, 3);
    const deliveries: Array<{ body: string; receiveCount: string }> = [];
    const handler: SqsHandler = async (event) => {
      const failures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        deliveries.push({
          body: record.body,
          receiveCount: record.attributes.ApproximateReceiveCount,
        });
        if (record.body === 'body-1' && record.attributes.ApproximateReceiveCount === '1') {
          failures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures: failures };
    };
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      handler,
      reportBatchItemFailures: true,
    });
    // act
    source.start();
    await eventually(() => deliveries.length >= 4, 10_000);
    await source.stop();
    // assert
    expect(
      deliveries
        .slice(0, 3)
        .map((d) => d.body)
        .sort(),
    ).toEqual(['body-0', 'body-1', 'body-2']);
    expect(deliveries[3]).toEqual({ body: 'body-1', receiveCount: '2' });
    expect(source.stats.itemFailures).toBe(1);
    expect((await counts(url)).ApproximateNumberOfMessages).toBe('0');
  });

  it('fails the whole batch when the response names a message not in it', async () => {
    const { url, arn } = await queue({ VisibilityTimeout: '30' });
    await sendMany(url, 2);
    let calls = 0;
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      reportBatchItemFailures: true,
      onError: () => undefined,
      handler: async () => {
        calls += 1;
        return { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] };
      },
    });
    source.start();
    await eventually(() => source.stats.functionErrors > 0, 10_000);
    await source.stop();
    const after = await counts(url);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(after.ApproximateNumberOfMessagesNotVisible).toBe('2');
    expect(source.stats.messagesDeleted).toBe(0);
  });

  it('leaves a throwing batch to the queue, so redrive moves it to the DLQ after maxReceiveCount', async () => {
    // arrange
    const dlq = await queue();
    const { url, arn } = await queue({
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      onError: () => undefined,
      handler: async () => {
        throw new Error('cannot handle');
      },
    });
    // act
    source.start();
    await eventually(
      async () => (await counts(dlq.url)).ApproximateNumberOfMessages === '1',
      10_000,
    );
    await source.stop();
    // assert
    expect(source.stats.functionErrors).toBe(2);
    const dead = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
    expect(dead.Messages?.[0]?.Body).toBe('poison');
  });

  it('stop waits for the batch in flight and deletes it', async () => {
    const { url, arn } = await queue();
    await sendMany(url, 1);
    let finished = false;
    let started = false;
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      handler: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      },
    });
    source.start();
    await eventually(() => started, 10_000);
    await source.stop();
    expect(finished).toBe(true);
    expect(source.stats.messagesDeleted).toBe(1);
  });

  it('stops promptly while long polling an empty queue', async () => {
    const { url, arn } = await queue();
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      handler: async () => undefined,
    });
    source.start();
    await new Promise((r) => setTimeout(r, 200));
    const stopping = Date.now();
    await source.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
  });

  it('counts a handler slower than its timeout as failed', async () => {
    const { url, arn } = await queue({ VisibilityTimeout: '30' });
    await sendMany(url, 1);
    const source = new SqsEventSource({
      client: sqs.client,
      queueUrl: url,
      queueArn: arn,
      timeoutMillis: 100,
      onError: () => undefined,
      handler: () => new Promise((r) => setTimeout(r, 400)),
    });
    source.start();
    await eventually(() => source.stats.functionErrors === 1, 10_000);
    await source.stop();
    expect(source.stats.messagesDeleted).toBe(0);
  });

  it('validates its settings eagerly, naming the value received', () => {
    const base = {
      client: sqs.client,
      queueUrl: 'u',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
      handler: async () => undefined,
    };
    expect(() => new SqsEventSource({ ...base, batchSize: 0 })).toThrow(ConfigError);
    expect(
      () => new SqsEventSource({ ...base, batchSize: 10_001, maxBatchingWindowMillis: 1_000 }),
    ).toThrow(/10000/);
    expect(() => new SqsEventSource({ ...base, batchSize: 11 })).toThrow(
      /maxBatchingWindowMillis >= 1000/,
    );
    expect(
      () => new SqsEventSource({ ...base, batchSize: 11, maxBatchingWindowMillis: 1_000 }),
    ).not.toThrow();
    expect(() => new SqsEventSource({ ...base, queueArn: 'q' })).toThrow(ConfigError);
  });
});
