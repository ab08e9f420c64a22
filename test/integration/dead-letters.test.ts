import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { kinesisClient, sqsClient } from '../../infra/aws-clients.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { STREAMS } from '../../infra/resources.ts';
import { encodeTelemetryEvent } from '../../schemas/codec.ts';

let stack: LocalStack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Receives until `count` messages arrived or the deadline passed. */
async function receive(s: LocalStack, queueUrl: string, count: number, timeoutMillis = 30_000) {
  const sqs = sqsClient(s.env);
  const bodies: Record<string, unknown>[] = [];
  const deadline = Date.now() + timeoutMillis;
  try {
    while (bodies.length < count && Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      for (const m of Messages) bodies.push(JSON.parse(m.Body!) as Record<string, unknown>);
    }
    return bodies;
  } finally {
    sqs.destroy();
  }
}

describe('dead letters on the local stack', () => {
  it('sends poison records to the DLQ with the reason, shard and sequence number, and keeps going', async () => {
    stack = await startLocalStack({
      processorEventSource: { batchSize: 100, maxBatchingWindowMillis: 50, pollIntervalMillis: 20 },
    });
    const kinesis = kinesisClient(stack.env);
    const good = encodeTelemetryEvent({
      eventId: 'ok-1',
      source: 'dev-1',
      metric: 'm',
      value: 1,
      timestamp: Date.now(),
    });
    // An unknown writer fingerprint after a valid marker: a record no reader can decode.
    const unknown = Buffer.concat([
      Buffer.from([0xc3, 0x01]),
      Buffer.alloc(8, 0xab),
      good.subarray(10),
    ]);
    const poison = await kinesis.send(
      new PutRecordCommand({
        StreamName: STREAMS.telemetry.name,
        PartitionKey: 'dev-1',
        Data: unknown,
      }),
    );
    await kinesis.send(
      new PutRecordCommand({
        StreamName: STREAMS.telemetry.name,
        PartitionKey: 'dev-1',
        Data: good,
      }),
    );
    kinesis.destroy();

    const [message] = await receive(stack, stack.services.queueUrls.processorDlq, 1);
    expect(message).toMatchObject({
      kind: 'poison-record',
      reason: 'unknown-fingerprint',
      shardId: poison.ShardId,
      sequenceNumber: poison.SequenceNumber,
      partitionKey: 'dev-1',
    });
    expect(Buffer.from(message!.data as string, 'base64')).toEqual(unknown);
    // The good record behind it was not blocked.
    expect(stack.processorEventSource.stats.functionErrors).toBe(0);
  });

  it('sends a batch the processor keeps failing to the on-failure destination, as Lambda does', async () => {
    stack = await startLocalStack({
      // Every write fails: the table does not exist, so each attempt reports item failures.
      handlerEnv: { TABLE_NAME: 'no-such-table' },
      processorEventSource: {
        batchSize: 10,
        maxBatchingWindowMillis: 50,
        pollIntervalMillis: 20,
        retryAttempts: 2,
      },
    });
    const kinesis = kinesisClient(stack.env);
    const put = await kinesis.send(
      new PutRecordCommand({
        StreamName: STREAMS.telemetry.name,
        PartitionKey: 'dev-2',
        Data: encodeTelemetryEvent({
          eventId: 'doomed',
          source: 'dev-2',
          metric: 'm',
          value: 2,
          timestamp: Date.now(),
        }),
      }),
    );
    kinesis.destroy();

    const [record] = await receive(stack, stack.services.queueUrls.processorDlq, 1);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      version: '1.0',
      KinesisBatchInfo: {
        shardId: put.ShardId,
        startSequenceNumber: put.SequenceNumber,
        endSequenceNumber: put.SequenceNumber,
        batchSize: 1,
      },
    });
    expect(stack.processorEventSource.stats.recordsSentToDestination).toBe(1);
  });
});
