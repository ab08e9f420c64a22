/**
 * DynamoDB writes per million events through the real handler against dynalite: 1,000 sources,
 * 10-second windows, one batch per second of event time with `PER_SOURCE` events per source,
 * against the naive design's one write per event. Writes counted by SDK middleware on the
 * handler's own client (PutItem, UpdateItem, DeleteItem, BatchWriteItem), by what they write.
 *
 * Closing included, to the end: after the batches, the sweep runs (clock past the idle timeout)
 * until every window the batches touched is emitted, since one closing pass closes at most 500
 * parts. Part writes are compared with the budget "one per (source, metric, window, batch)
 * touched"; closing writes are per window and reported apart (per part: close, leave CLOSING;
 * per window: marker, emission confirmed), as are shard-progress updates (one per batch).
 *
 * Run: `npx tsx bench/processor-writes.bench.ts` (about a minute: dynalite does ~500 writes/s).
 * Writes `bench/results/processor-writes.json`.
 */

import { writeFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import dynalite from 'dynalite';
import { lambdaContext } from '../infra/local/hosting/lambda-context.ts';
import { closeServer, listen } from '../infra/local/net.ts';
import { TABLES } from '../infra/resources.ts';
import { createSweepHandler } from '../processors/closing/sweep-handler.ts';
import type { ProcessorConfig } from '../processors/kinesis/config.ts';
import { createProcessorHandler } from '../processors/kinesis/handler.ts';
import { SHARDS_PK } from '../processors/store/keys.ts';
import type { WindowAggregate } from '../schemas/types.ts';
import { benchBatch } from './processor-fixtures.ts';

const SOURCES = 1_000;
const PER_SOURCE = Number(process.env.PER_SOURCE ?? 100);
const SECONDS = 11; // ten seconds fill one window; the eleventh moves the watermark past it
const WINDOW_MILLIS = 10_000;
const MAX_SWEEPS = 20;

const server = dynalite({ createTableMs: 0 });
const port = await listen(server, '127.0.0.1', 0);
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  requestHandler: new NodeHttpHandler(),
});
const writes: Record<string, number> = {};
/** Writes by what they write: part, closing (part close / marker / emission), shard progress. */
const byKind = { partWrites: 0, closingWrites: 0, shardProgressWrites: 0, other: 0 };
client.middlewareStack.add(
  (next, context) => async (args) => {
    const name = context.commandName ?? '?';
    if (/^(Put|Update|Delete)Item|BatchWriteItem/.test(name)) {
      writes[name] = (writes[name] ?? 0) + 1;
      const input = args.input as {
        Item?: Record<string, { S?: string }>;
        Key?: Record<string, { S?: string }>;
      };
      if (name === 'PutItemCommand' && input.Item?.kind?.S === 'part') byKind.partWrites++;
      else if (name === 'PutItemCommand' && input.Item?.kind?.S === 'window')
        byKind.closingWrites++;
      else if (name === 'UpdateItemCommand' && input.Key?.pk?.S === SHARDS_PK)
        byKind.shardProgressWrites++;
      else if (name === 'UpdateItemCommand') byKind.closingWrites++;
      else byKind.other++;
    }
    return next(args);
  },
  { step: 'initialize', name: 'countWrites' },
);
const def = TABLES.aggregates;
const index = def.globalSecondaryIndexes[0];
await client.send(
  new CreateTableCommand({
    TableName: def.name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: index.partitionKey.name, AttributeType: 'S' },
      { AttributeName: index.sortKey.name, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      },
    ],
  }),
);
const emitted: WindowAggregate[] = [];
let now = Date.now();
const config: ProcessorConfig = {
  tableName: def.name,
  dynamoDb: client,
  windows: [{ kind: 'tumbling', sizeMillis: WINDOW_MILLIS }],
  allowedLatenessMillis: 0,
  orderingUnit: 'shard',
  windowSinks: [{ onWindowClosed: async (w) => void emitted.push(...w) }],
  clock: () => now,
};
const handler = createProcessorHandler(config);
const sweep = createSweepHandler(config);
let events = 0;
const t0 = Date.now();
for (let second = 0; second < SECONDS; second++) {
  const batch = benchBatch(SOURCES, PER_SOURCE, second);
  events += batch.userRecords.length;
  const response = await handler(
    { Records: batch.records },
    lambdaContext({ functionName: 'processor', timeoutMillis: 900_000 }),
  );
  if (response.batchItemFailures.length > 0) throw new Error(`batch ${second} reported failures`);
}
const closedByBatches = emitted.length;
const afterBatches = { ...byKind };
// The sweep, as the schedule would run it once the shard is idle, until nothing is left.
now += 120_000;
let sweeps = 0;
for (; sweeps < MAX_SWEEPS; sweeps++) {
  const r = await sweep();
  if (r.partsClosed === 0 && r.windowsEmitted === 0 && r.windowsReEmitted === 0) break;
}
// Windows touched: each batch is one second of event time, so ten batches per window.
const windowsTouched = SOURCES * Math.ceil((SECONDS * 1000) / WINDOW_MILLIS);
if (emitted.length !== windowsTouched)
  throw new Error(`${emitted.length} windows emitted, ${windowsTouched} touched`);
const partsTouchedPerBatch = SOURCES; // one (source, metric, window) per source per batch
const budget = partsTouchedPerBatch * SECONDS;
const totalWrites = Object.values(writes).reduce((a, b) => a + b, 0);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  sources: SOURCES,
  eventsPerSourcePerBatch: PER_SOURCE,
  batches: SECONDS,
  events,
  writes,
  byKind,
  totalWrites,
  windowsTouched,
  windowsEmitted: { byBatches: closedByBatches, bySweep: emitted.length - closedByBatches },
  sweepsUntilAllClosed: sweeps,
  closingWritesAfterBatches: afterBatches.closingWrites,
  budgetPerSourceMetricWindowBatch: budget,
  partWritesOverBudget: byKind.partWrites / budget,
  closingWritesPerWindow: byKind.closingWrites / windowsTouched,
  closingWritesExplained:
    'per window of one part: close the part, take it out of CLOSING, put the marker, confirm the emission',
  writesPerMillionEvents: Math.round((totalWrites / events) * 1e6),
  naiveWritesPerMillionEvents: 1_000_000,
  ratioToNaive: totalWrites / events,
  seconds: (Date.now() - t0) / 1000,
};
writeFileSync(
  new URL('./results/processor-writes.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result, null, 2));
client.destroy();
await closeServer(server);
