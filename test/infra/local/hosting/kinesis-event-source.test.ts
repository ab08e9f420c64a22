import {
  CreateStreamCommand,
  SplitShardCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCheckpointStore } from '../../../../infra/local/hosting/checkpoints.ts';
import {
  KinesisEventSource,
  type KinesisEventSourceProps,
  type KinesisOnFailureRecord,
} from '../../../../infra/local/hosting/kinesis-event-source.ts';
import {
  numberOf,
  putNumbered,
  startTestStream,
  type TestStream,
  waitFor,
} from '../../../support/kinesis-stream.ts';

let stream: TestStream;
let nextStream = 0;

beforeAll(async () => {
  stream = await startTestStream(1);
});

afterAll(async () => {
  await stream.close();
});

/** A fresh one-shard stream per test, on the shared emulator, so tests cannot see each other's records. */
async function freshStream(shards = 1): Promise<string> {
  const name = `esm-${nextStream++}`;
  await stream.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  // kinesalite answers CreateStream before the stream is readable, even with createStreamMs 0.
  await waitUntilStreamExists(
    { client: stream.client, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 },
    { StreamName: name },
  );
  return name;
}

function source(
  streamName: string,
  handler: KinesisEventSourceProps['handler'],
  props: Partial<KinesisEventSourceProps> = {},
) {
  return new KinesisEventSource({
    client: stream.client,
    streamName,
    functionName: 'test-fn',
    handler,
    pollIntervalMillis: 20,
    retryBackoffMillis: 1,
    ...props,
  });
}

describe('KinesisEventSource', () => {
  it('delivers every record once, in order, as real KinesisStreamEvents', async () => {
    // arrange
    const streamName = await freshStream();
    await putNumbered({ ...stream, streamName }, 250);
    const seen: number[] = [];
    const events: KinesisStreamEvent[] = [];
    const esm = source(
      streamName,
      async (event) => {
        events.push(event);
        for (const r of event.Records) seen.push(numberOf(r.kinesis.data));
      },
      { batchSize: 100 },
    );
    // act
    await esm.start();
    await waitFor(() => seen.length >= 250, '250 records');
    await esm.stop();
    // assert
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(events.every((e) => e.Records.length <= 100)).toBe(true);
    const record = events[0]!.Records[0]!;
    expect(record.eventSource).toBe('aws:kinesis');
    expect(record.eventID).toBe(`shardId-000000000000:${record.kinesis.sequenceNumber}`);
    expect(record.eventSourceARN).toMatch(
      new RegExp(`^arn:aws:kinesis:us-east-1:\\d+:stream/${streamName}$`),
    );
    expect(record.kinesis.partitionKey).toBe('k');
    expect(record.kinesis.approximateArrivalTimestamp).toBeGreaterThan(1e9);
  });

  it('retries from the lowest failed sequence number of a partial batch failure', async () => {
    const streamName = await freshStream();
    await putNumbered({ ...stream, streamName }, 10);
    const batches: number[][] = [];
    let failedOnce = false;
    const esm = source(
      streamName,
      async (event) => {
        const numbers = event.Records.map((r) => numberOf(r.kinesis.data));
        batches.push(numbers);
        if (failedOnce) return { batchItemFailures: [] };
        failedOnce = true;
        // Report 7 and 4 as failed: the retry must start at 4, the lowest.
        const failed = event.Records.filter((r) => [7, 4].includes(numberOf(r.kinesis.data)));
        return {
          batchItemFailures: failed.map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
        };
      },
      { batchSize: 10, reportBatchItemFailures: true, maxBatchingWindowMillis: 500 },
    );
    await esm.start();
    await waitFor(() => batches.length >= 2, 'the retry');
    await esm.stop();
    expect(batches[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches[1]).toEqual([4, 5, 6, 7, 8, 9]);
    expect(batches).toHaveLength(2);
  });

  it('bisects a failing batch down to the poison record and sends it to the destination', async () => {
    const streamName = await freshStream();
    await putNumbered({ ...stream, streamName }, 8);
    const succeeded: number[] = [];
    const failures: KinesisOnFailureRecord[] = [];
    const sizes: number[] = [];
    const esm = source(
      streamName,
      async (event) => {
        const numbers = event.Records.map((r) => numberOf(r.kinesis.data));
        sizes.push(numbers.length);
        if (numbers.includes(5)) throw new Error('poison record 5');
        succeeded.push(...numbers);
      },
      {
        batchSize: 8,
        maxBatchingWindowMillis: 500,
        bisectBatchOnFunctionError: true,
        retryAttempts: 3,
        onFailure: async (record) => {
          failures.push(record);
        },
      },
    );
    await esm.start();
    await waitFor(() => succeeded.length + failures.length >= 8, 'settling 8 records', 20_000);
    await waitFor(() => failures.length === 1, 'one destination record');
    await esm.stop();
    // 8 -> 4+4 -> [4..7] splits 2+2 -> [4,5] splits 1+1: only record 5 is given up on.
    expect(succeeded.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(failures[0]!.KinesisBatchInfo.batchSize).toBe(1);
    expect(failures[0]!.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(failures[0]!.responseContext.functionError).toBe('poison record 5');
    expect(sizes.slice(0, 3)).toEqual([8, 4, 4]);
  });

  it('resumes from its checkpoint after a restart: none twice, none skipped', async () => {
    const streamName = await freshStream();
    const checkpoints = new MemoryCheckpointStore();
    const seen: number[] = [];
    const handler: KinesisEventSourceProps['handler'] = async (event) => {
      for (const r of event.Records) seen.push(numberOf(r.kinesis.data));
    };
    await putNumbered({ ...stream, streamName }, 120);
    const first = source(streamName, handler, { checkpoints, batchSize: 50 });
    await first.start();
    await waitFor(() => seen.length >= 120, 'the first 120');
    await first.stop();
    await putNumbered({ ...stream, streamName }, 80, () => 'k', 120);
    const second = source(streamName, handler, { checkpoints, batchSize: 50 });
    await second.start();
    await waitFor(() => seen.length >= 200, 'the next 80');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await second.stop();
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('redelivers in-flight records after an abrupt stop', async () => {
    const streamName = await freshStream();
    const checkpoints = new MemoryCheckpointStore();
    await putNumbered({ ...stream, streamName }, 30);
    const firstRun: number[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const crashing = source(
      streamName,
      async (event) => {
        firstRun.push(...event.Records.map((r) => numberOf(r.kinesis.data)));
        if (firstRun.length > 10) await blocked;
      },
      { checkpoints, batchSize: 10, maxBatchingWindowMillis: 200 },
    );
    await crashing.start();
    await waitFor(() => firstRun.length >= 20, 'the second batch to start');
    const stopped = crashing.stop({ graceful: false });
    release();
    await stopped;
    const secondRun: number[] = [];
    const resumed = source(
      streamName,
      async (event) => {
        secondRun.push(...event.Records.map((r) => numberOf(r.kinesis.data)));
      },
      { checkpoints, batchSize: 10 },
    );
    await resumed.start();
    await waitFor(() => secondRun.length >= 20, 'redelivery');
    await resumed.stop();
    // Batch 0-9 was checkpointed; 10-19 was in flight at the crash, so it comes again.
    expect(secondRun).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
  });

  it('keeps order per partition key with a parallelization factor above 1', async () => {
    const streamName = await freshStream();
    await putNumbered({ ...stream, streamName }, 400, (i) => `key-${i % 7}`);
    const perKey = new Map<string, number[]>();
    let concurrent = 0;
    let maxConcurrent = 0;
    const esm = source(
      streamName,
      async (event) => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const r of event.Records) {
          const list = perKey.get(r.kinesis.partitionKey) ?? [];
          list.push(numberOf(r.kinesis.data));
          perKey.set(r.kinesis.partitionKey, list);
        }
        concurrent -= 1;
      },
      { batchSize: 20, parallelizationFactor: 4 },
    );
    await esm.start();
    await waitFor(() => [...perKey.values()].reduce((n, l) => n + l.length, 0) >= 400, '400');
    await esm.stop();
    for (const [key, numbers] of perKey) {
      const k = Number(key.slice(4));
      const expected = Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 7 === k);
      expect(numbers).toEqual(expected);
    }
    expect(maxConcurrent).toBeGreaterThan(1);
  });

  it('still delivers after a long idle time on a busy-polling shard', async () => {
    // Regression: each timed-out wait used to leave a closure behind, and the first record
    // after a long idle time overflowed the stack waking them all.
    const streamName = await freshStream();
    const seen: number[] = [];
    const esm = source(
      streamName,
      async (event) => {
        for (const r of event.Records) seen.push(numberOf(r.kinesis.data));
      },
      { pollIntervalMillis: 1, parallelizationFactor: 10 },
    );
    await esm.start();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await putNumbered({ ...stream, streamName }, 20, (i) => `k${i % 5}`);
    await waitFor(() => seen.length >= 20, '20 records after idling');
    await esm.stop();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('follows a shard split: the children are read after the parent, order per key kept', async () => {
    const streamName = await freshStream();
    await putNumbered({ ...stream, streamName }, 50);
    const seen: number[] = [];
    const shardsSeen = new Set<string>();
    const esm = source(
      streamName,
      async (event) => {
        for (const r of event.Records) {
          seen.push(numberOf(r.kinesis.data));
          shardsSeen.add(r.eventID.split(':')[0]!);
        }
      },
      { shardRefreshMillis: 100 },
    );
    await esm.start();
    await waitFor(() => seen.length >= 50, 'the parent shard read');
    await stream.client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitUntilStreamExists(
      { client: stream.client, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 },
      { StreamName: streamName },
    );
    await putNumbered({ ...stream, streamName }, 50, () => 'k', 50);
    await waitFor(() => seen.length >= 100, 'the records written after the split');
    await esm.stop();
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shardsSeen.size).toBe(2);
  });
});
