/**
 * The Lambda bundles as `cdk synth` builds them, run on this machine's Node (20; Lambda runs 22):
 * each loads as an ES module with its CommonJS dependencies, and the ingest, processor, query and
 * sweep bundles together carry records from a request to a queried window, against kinesalite
 * and dynalite on loopback.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient, kinesisClient } from '../../../infra/aws-clients.ts';
import { ESM_REQUIRE_BANNER } from '../../../infra/cdk/bundle-options.ts';
import { HANDLER_ENTRIES, type HandlerName } from '../../../infra/cdk/handler-entries.ts';
import { type Emulators, startEmulators } from '../../../infra/local/emulators.ts';
import { provisionTables } from '../../../infra/local/provision.ts';
import { STREAMS, TABLES } from '../../../infra/resources.ts';
import { ingestEvent, sampleEvent } from '../../ingest/support.ts';
import { kinesisEvent, kinesisRecord } from '../../processors/support/kinesis-events.ts';
import { runBundle, stagedBundleDir } from './run-bundle.ts';
import { type Synthesized, synthPipeline } from './synth.ts';

const API_KEY = 'bundle-test-key-0123456789';

let s: Synthesized;
let emulators: Emulators;
let kinesis: KinesisClient;
let dynamo: DynamoDBClient;
const dirs = {} as Record<HandlerName, string>;

beforeAll(async () => {
  s = synthPipeline({}, { bundle: true });
  dirs.ingest = stagedBundleDir(s.stack.ingestApi.ingest.function);
  dirs.query = stagedBundleDir(s.stack.ingestApi.query.function);
  dirs.processor = stagedBundleDir(s.stack.processing.processor.function);
  dirs.sweep = stagedBundleDir(s.stack.sweep.sweep.function);
  emulators = await startEmulators();
  const local = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
  kinesis = kinesisClient({ ...local, AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint });
  dynamo = dynamoDbClient({ ...local, AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoDbEndpoint });
  await kinesis.send(
    new CreateStreamCommand({ StreamName: STREAMS.telemetry.name, ShardCount: 1 }),
  );
  await provisionTables(dynamo);
});

afterAll(async () => {
  kinesis?.destroy();
  dynamo?.destroy();
  await emulators?.close();
  s?.cleanup();
});

/** The environment of a bundle: the names it is deployed with, the emulators as endpoints. */
function envFor(extra: Record<string, string>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoDbEndpoint,
    ...extra,
  };
}

describe('Lambda bundles', () => {
  it.each(Object.keys(HANDLER_ENTRIES) as HandlerName[])(
    'bundles %s as one ES module with the require banner and a source map',
    (name) => {
      const code = readFileSync(join(dirs[name], 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(existsSync(join(dirs[name], 'index.mjs.map'))).toBe(true);
    },
  );

  it.each(Object.keys(HANDLER_ENTRIES) as HandlerName[])(
    'loads %s in a fresh Node process, with no node_modules in reach, and exports the function Lambda calls',
    async (name) => {
      // The AWS SDK and every other dependency must be inside: an import the bundle left external
      // would not resolve from the staging folder.
      expect(nodeModulesAbove(dirs[name])).toEqual([]);
      const run = await runBundle({
        bundleDir: dirs[name],
        exportName: HANDLER_ENTRIES[name].exportName,
        env: envFor({}),
      });
      expect(run.exportType).toBe('function');
    },
  );

  it('carries a request through the ingest, processor, query and sweep bundles', async () => {
    // arrange: three events of one series in one minute window
    const events = [0, 1, 2].map((i) =>
      sampleEvent(i, { source: 'sensor-1', metric: 'cpu.utilization', value: 10 * (i + 1) }),
    );
    const windowStart = Math.floor(events[0]!.timestamp / 60_000) * 60_000;

    // act 1: ingest writes them to Kinesis
    const ingest = await runBundle({
      bundleDir: dirs.ingest,
      exportName: HANDLER_ENTRIES.ingest.exportName,
      env: envFor({ STREAM_NAME: STREAMS.telemetry.name, INGEST_API_KEYS: API_KEY }),
      event: ingestEvent({
        body: JSON.stringify(events),
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      }),
    });
    expect(ingest.result).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((ingest.result as { body: string }).body)).toMatchObject({
      accepted: 3,
      rejected: [],
    });

    // act 2: the processor gets what the stream holds, as the event source mapping would pass it
    const records = await readShard(kinesis);
    expect(records.length).toBeGreaterThan(0);
    const processed = await runBundle({
      bundleDir: dirs.processor,
      exportName: HANDLER_ENTRIES.processor.exportName,
      env: envFor({ TABLE_NAME: TABLES.aggregates.name }),
      event: kinesisEvent(records),
    });
    expect(processed.result).toEqual({ batchItemFailures: [] });

    // act 3: the query reads the window back
    const query = await runBundle({
      bundleDir: dirs.query,
      exportName: HANDLER_ENTRIES.query.exportName,
      env: envFor({ TABLE_NAME: TABLES.aggregates.name }),
      event: {
        ...ingestEvent({ body: null }),
        httpMethod: 'GET',
        path: '/v1/aggregates',
        resource: '/v1/aggregates',
        queryStringParameters: {
          source: 'sensor-1',
          metric: 'cpu.utilization',
          window: '1m',
          from: String(windowStart),
          to: String(windowStart + 60_000),
        },
      },
    });
    expect(query.result).toMatchObject({ statusCode: 200 });
    const body = JSON.parse((query.result as { body: string }).body) as {
      windows: { windowStart: number; count: number; sum: number }[];
    };
    expect(body.windows).toEqual([expect.objectContaining({ windowStart, count: 3, sum: 60 })]);

    // act 4: the sweep runs against the same table (the window's shard is not idle yet)
    const sweep = await runBundle({
      bundleDir: dirs.sweep,
      exportName: HANDLER_ENTRIES.sweep.exportName,
      env: envFor({ TABLE_NAME: TABLES.aggregates.name }),
      event: {},
    });
    expect(sweep.result).toMatchObject({
      idleShards: expect.any(Number),
      windowsEmitted: expect.any(Number),
    });
  });
});

/** `node_modules` folders Node would search from `dir`. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

/** Every record of the stream's only shard, as Lambda records. */
async function readShard(client: KinesisClient) {
  const shards = await client.send(new ListShardsCommand({ StreamName: STREAMS.telemetry.name }));
  const shardId = shards.Shards![0]!.ShardId!;
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: STREAMS.telemetry.name,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const page = await client.send(new GetRecordsCommand({ ShardIterator }));
  return (page.Records ?? []).map((r) =>
    kinesisRecord(shardId, r.SequenceNumber!, r.PartitionKey!, r.Data!),
  );
}
