import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import { lambdaContext } from '../../infra/local/hosting/lambda-context.ts';
import { createIngestHandler } from '../../ingest/handler.ts';
import { listShards } from '../../ingest/kinesis/shard-map-cache.ts';
import { partitionKeyHash, ShardMap } from '../../ingest/partition/shard-map.ts';
import { createStream, ingestEvent, readStream, sampleEvent } from './support.ts';

let emulators: Emulators;
let client: KinesisClient;

beforeAll(async () => {
  emulators = await startEmulators();
  client = kinesisClient({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'l',
    AWS_SECRET_ACCESS_KEY: 'l',
    AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
  });
});

afterAll(async () => {
  client?.destroy();
  await emulators?.close();
});

async function waitActive(stream: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ingest across a reshard', () => {
  it('notices the split from the shards Kinesis reports, reloads the map, and groups by the new shards', async () => {
    // arrange
    await createStream(client, 'reshard', 1);
    const handler = createIngestHandler({ streamName: 'reshard', apiKeys: ['k'], kinesis: client });
    const send = async (from: number) => {
      const events = Array.from({ length: 300 }, (_, i) =>
        sampleEvent(from + i, { eventId: `r-${from + i}`, source: `src-${i % 50}` }),
      );
      const result = await handler(
        ingestEvent({ body: JSON.stringify(events), headers: { 'x-api-key': 'k' } }),
        lambdaContext({ functionName: 'ingest' }),
      );
      expect(JSON.parse(result.body)).toEqual({ accepted: 300, rejected: [] });
    };
    await send(0); // caches the one-shard map
    await client.send(
      new SplitShardCommand({
        StreamName: 'reshard',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitActive('reshard');
    // act
    await send(1000); // stale map: lands on the children, and the mismatch invalidates the map
    const before = (await readStream(client, 'reshard')).length;
    await send(2000); // fresh map
    // assert
    const stored = await readStream(client, 'reshard');
    expect(before).toBe(600);
    expect(new Set(stored.map((r) => r.event.eventId)).size).toBe(900);
    const map = ShardMap.fromShards(await listShards(client, 'reshard'));
    expect(map.shards).toHaveLength(2);
    const late = stored.filter((r) => Number(r.event.eventId.slice(2)) >= 2000);
    expect(late).toHaveLength(300);
    for (const r of late) {
      expect(map.shards[map.indexOf(partitionKeyHash(r.partitionKey))]?.shardId).toBe(r.shardId);
    }
  });
});
