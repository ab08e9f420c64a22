import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import { lambdaContext } from '../../infra/local/hosting/lambda-context.ts';
import { createIngestHandler, ingestConfigFromEnv } from '../../ingest/handler.ts';
import { listShards } from '../../ingest/kinesis/shard-map-cache.ts';
import { partitionKeyHash, ShardMap } from '../../ingest/partition/shard-map.ts';
import { createStream, ingestEvent, readStream, sampleEvent } from './support.ts';

const API_KEY = 'test-key-1';
let emulators: Emulators;
let client: KinesisClient;
let env: Record<string, string>;
let streamCount = 0;

const context = (): Context => lambdaContext({ functionName: 'ingest', timeoutMillis: 10_000 });

async function freshStream(shards = 4): Promise<string> {
  const name = `ingest-test-${++streamCount}`;
  await createStream(client, name, shards);
  return name;
}

beforeAll(async () => {
  emulators = await startEmulators();
  env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
    INGEST_API_KEYS: `${API_KEY},second-key`,
  };
  client = kinesisClient(env);
});

afterAll(async () => {
  client?.destroy();
  await emulators?.close();
});

describe('ingest handler against kinesalite', () => {
  it('writes every accepted record once, grouped on the shard its source hashes to', async () => {
    // arrange
    const stream = await freshStream(4);
    const handler = createIngestHandler(ingestConfigFromEnv({ ...env, STREAM_NAME: stream }));
    const events = Array.from({ length: 500 }, (_, i) => sampleEvent(i));
    // act
    const result = await handler(
      ingestEvent({
        body: JSON.stringify(events),
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': API_KEY },
      }),
      context(),
    );
    // assert
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 500, rejected: [] });
    const stored = await readStream(client, stream);
    expect(stored.map((r) => r.event.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(stored.every((r) => r.aggregated)).toBe(true);
    const map = ShardMap.fromShards(await listShards(client, stream));
    for (const r of stored) {
      expect(r.partitionKey).toBe(r.event.source);
      expect(map.shards[map.indexOf(partitionKeyHash(r.partitionKey))]?.shardId).toBe(r.shardId);
    }
  });

  it('rejects bad records by index and writes their neighbours', async () => {
    const stream = await freshStream(1);
    const handler = createIngestHandler(ingestConfigFromEnv({ ...env, STREAM_NAME: stream }));
    const body = [
      sampleEvent(0),
      { ...sampleEvent(1), value: 'high' },
      sampleEvent(2),
      { eventId: 'x' },
    ];
    const result = await handler(
      ingestEvent({ body: JSON.stringify(body), headers: { 'x-api-key': API_KEY } }),
      context(),
    );
    expect(result.statusCode).toBe(200);
    const parsed = JSON.parse(result.body);
    expect(parsed.accepted).toBe(2);
    expect(parsed.rejected.map((r: { index: number }) => r.index)).toEqual([1, 3]);
    expect(parsed.rejected[0].reason).toMatch(/^value: must be a finite number/);
    expect((await readStream(client, stream)).map((r) => r.event.eventId).sort()).toEqual([
      'evt-0',
      'evt-2',
    ]);
  });

  it('writes plain records when aggregation is off', async () => {
    const stream = await freshStream(2);
    const handler = createIngestHandler(
      ingestConfigFromEnv({ ...env, STREAM_NAME: stream, INGEST_AGGREGATION: 'off' }),
    );
    const events = Array.from({ length: 20 }, (_, i) => sampleEvent(i));
    const result = await handler(
      ingestEvent({ body: JSON.stringify({ records: events }), headers: { 'x-api-key': API_KEY } }),
      context(),
    );
    expect(JSON.parse(result.body)).toEqual({ accepted: 20, rejected: [] });
    const stored = await readStream(client, stream);
    expect(stored).toHaveLength(20);
    expect(stored.some((r) => r.aggregated)).toBe(false);
  });

  it('answers 503 naming every record when the stream does not exist', async () => {
    const handler = createIngestHandler(
      ingestConfigFromEnv({ ...env, STREAM_NAME: 'no-such-stream', INGEST_MAX_PUT_ATTEMPTS: '2' }),
    );
    const result = await handler(
      ingestEvent({
        body: JSON.stringify([sampleEvent(0), sampleEvent(1)]),
        headers: { 'x-api-key': API_KEY },
      }),
      context(),
    );
    expect(result.statusCode).toBe(503);
    const parsed = JSON.parse(result.body);
    expect(parsed.accepted).toBe(0);
    expect(parsed.failed.map((f: { index: number }) => f.index)).toEqual([0, 1]);
    expect(result.body).not.toMatch(/127\.0\.0\.1|at .*\.ts/);
  });
});
