/**
 * DynamoDB writes per million events through the real handler against dynalite: 1,000 sources,
 * 10-second windows, one batch per second of event time with `PER_SOURCE` events per source,
 * against the naive design's one write per event. Writes counted by SDK middleware on the
 * handler's own client (PutItem, UpdateItem, DeleteItem, BatchWriteItem items), closing included.
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
import { createProcessorHandler } from '../processors/kinesis/handler.ts';
import { benchBatch } from './processor-fixtures.ts';

const SOURCES = 1_000;
const PER_SOURCE = Number(process.env.PER_SOURCE ?? 100);
const SECONDS = 11; // ten seconds fill one window; the eleventh moves the watermark past it

const server = dynalite({ createTableMs: 0 });
const port = await listen(server, '127.0.0.1', 0);
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  requestHandler: new NodeHttpHandler(),
});
const writes: Record<string, number> = {};
client.middlewareStack.add(
  (next, context) => async (args) => {
    const name = context.commandName ?? '?';
    if (/^(Put|Update|Delete)Item|BatchWriteItem/.test(name))
      writes[name] = (writes[name] ?? 0) + 1;
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
const handler = createProcessorHandler({
  tableName: def.name,
  dynamoDb: client,
  windows: [{ kind: 'tumbling', sizeMillis: 10_000 }],
  allowedLatenessMillis: 0,
  orderingUnit: 'shard',
});
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
const totalWrites = Object.values(writes).reduce((a, b) => a + b, 0);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  sources: SOURCES,
  eventsPerSourcePerBatch: PER_SOURCE,
  batches: SECONDS,
  events,
  writes,
  totalWrites,
  writesPerMillionEvents: Math.round((totalWrites / events) * 1e6),
  naiveWritesPerMillionEvents: 1_000_000,
  ratioToNaive: totalWrites / events,
  budgetPerSourceMetricWindowBatch: SOURCES * SECONDS,
  seconds: (Date.now() - t0) / 1000,
};
writeFileSync(
  new URL('./results/processor-writes.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result, null, 2));
client.destroy();
await closeServer(server);
