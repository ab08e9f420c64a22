import { createServer } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../../infra/local/emulators.ts';
import {
  type KinesisFaultProxy,
  startKinesisFaultProxy,
} from '../../../infra/local/kinesis-fault-proxy.ts';
import { fullJitterDelayMillis } from '../../../ingest/kinesis/backoff.ts';
import { type WriteOptions, writeEntries } from '../../../ingest/kinesis/put-records.ts';
import type { PutEntry } from '../../../ingest/plan.ts';
import { createStream } from '../support.ts';

const CREDENTIALS = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'l', AWS_SECRET_ACCESS_KEY: 'l' };
let emulators: Emulators;
let direct: KinesisClient;
let alwaysThrottled: KinesisFaultProxy;
let throttledClient: KinesisClient;
const clients: KinesisClient[] = [];

const entry = (i: number, shardId?: string): PutEntry => ({
  partitionKey: `k${i}`,
  explicitHashKey: undefined,
  data: Buffer.from(`r${i}`),
  bytes: 2 + String(i).length * 2,
  indexes: [i],
  shardId,
});

const options = (overrides: Partial<WriteOptions> = {}): WriteOptions => ({
  streamName: 'writes',
  maxAttempts: 3,
  baseBackoffMillis: 10,
  maxBackoffMillis: 40,
  deadlineMillis: Date.now() + 10_000,
  maxConcurrentCalls: 2,
  now: Date.now,
  random: () => 0.5,
  sleep: async () => {},
  ...overrides,
});

beforeAll(async () => {
  emulators = await startEmulators();
  direct = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint });
  await createStream(direct, 'writes', 1);
  alwaysThrottled = await startKinesisFaultProxy({
    target: emulators.kinesisEndpoint,
    putRecordsFailureRate: 1,
  });
  throttledClient = kinesisClient({
    ...CREDENTIALS,
    AWS_ENDPOINT_URL_KINESIS: alwaysThrottled.endpoint,
  });
  clients.push(direct, throttledClient);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await alwaysThrottled?.close();
  await emulators?.close();
});

describe('writeEntries', () => {
  it('writes every entry and reports shard and sequence number', async () => {
    const outcomes = await writeEntries(direct, [entry(0), entry(1)], options());
    expect(outcomes).toEqual([
      { status: 'written', shardId: 'shardId-000000000000', sequenceNumber: expect.any(String) },
      { status: 'written', shardId: 'shardId-000000000000', sequenceNumber: expect.any(String) },
    ]);
  });

  it('retries throttled entries with full-jitter backoff up to the attempt limit, then reports them', async () => {
    // arrange
    const delays: number[] = [];
    const before = alwaysThrottled.stats.calls.PutRecords ?? 0;
    // act
    const outcomes = await writeEntries(
      throttledClient,
      [entry(0)],
      options({
        maxAttempts: 4,
        sleep: async (ms) => {
          delays.push(ms);
        },
      }),
    );
    // assert
    expect(outcomes[0]).toEqual({
      status: 'failed',
      errorCode: 'ProvisionedThroughputExceededException',
      reason: 'not written: Kinesis ProvisionedThroughputExceededException after 4 attempt(s)',
    });
    expect((alwaysThrottled.stats.calls.PutRecords ?? 0) - before).toBe(4);
    // random 0.5 of min(40, 10 * 2^n): 5, 10, 20
    expect(delays).toEqual([5, 10, 20]);
  });

  it('stops retrying at the deadline and says so', async () => {
    // arrange: a clock advanced by the backoff sleeps, 999, 1998, 3996 ms: the third sleep
    // would end past the 5 s deadline
    let now = 0;
    const advance = async (ms: number) => {
      now += ms;
    };
    // act
    const outcomes = await writeEntries(
      throttledClient,
      [entry(0)],
      options({
        maxAttempts: 10,
        baseBackoffMillis: 1000,
        maxBackoffMillis: 4000,
        random: () => 0.999,
        now: () => now,
        deadlineMillis: 5000,
        sleep: advance,
      }),
    );
    // assert
    expect(outcomes[0]).toMatchObject({
      status: 'failed',
      reason:
        'not written: Kinesis ProvisionedThroughputExceededException, retries stopped at the request deadline after 3 attempt(s)',
    });
  });

  it('retries a connection failure and reports it per entry', async () => {
    // arrange: a port that refuses connections
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const refused = kinesisClient({
      ...CREDENTIALS,
      AWS_ENDPOINT_URL_KINESIS: `http://127.0.0.1:${port}`,
    });
    clients.push(refused);
    // act
    const outcomes = await writeEntries(refused, [entry(0), entry(1)], options());
    // assert
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(outcomes[0]).toMatchObject({
      errorCode: 'ECONNREFUSED',
      reason: expect.stringMatching(/after 3 attempt/),
    });
  });

  it('tells the caller when Kinesis put an entry on another shard than planned', async () => {
    let mismatches = 0;
    await writeEntries(
      direct,
      [entry(0, 'shardId-000000000007')],
      options({ onShardMismatch: () => mismatches++ }),
    );
    expect(mismatches).toBe(1);
  });
});

describe('fullJitterDelayMillis', () => {
  it('stays below min(cap, base * 2^n)', () => {
    expect(fullJitterDelayMillis(0, { baseMillis: 50, maxMillis: 2000 }, 0.999)).toBe(49);
    expect(fullJitterDelayMillis(10, { baseMillis: 50, maxMillis: 2000 }, 0.999)).toBe(1998);
    expect(fullJitterDelayMillis(3, { baseMillis: 50, maxMillis: 2000 }, 0)).toBe(0);
  });
});
