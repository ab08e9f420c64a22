/**
 * KPL aggregation and deaggregation: ours against awslabs' `aws-kinesis-agg` on the same user
 * records (Avro-encoded 150-byte-as-JSON telemetry, partition key = source), in user records per
 * second, rounds interleaved and medians compared. Also checks, on every group, that both write
 * the same bytes.
 *
 * Run: `npx tsx bench/kpl.bench.ts` (about 20 s). Writes `bench/results/kpl.json`.
 */

import { writeFileSync } from 'node:fs';
import { KplAggregator } from '../ingest/kpl/aggregate.ts';
import { deaggregate } from '../ingest/kpl/deaggregate.ts';
import { encodeTelemetryEvent } from '../schemas/codec.ts';
import { libAggregate, libDeaggregateBase64 } from '../test/ingest/kpl/aws-kinesis-agg.ts';
import { benchEvent, median } from './ingest-fixtures.ts';

const RECORDS = 20_000;
/** User records per aggregated record: about 40 KiB, close to our 64 KiB default. */
const GROUP = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

const users = Array.from({ length: RECORDS }, (_, i) => {
  const event = benchEvent(i);
  return { partitionKey: event.source, data: encodeTelemetryEvent(event) };
});
const groups: (typeof users)[] = [];
for (let i = 0; i < users.length; i += GROUP) groups.push(users.slice(i, i + GROUP));

function ours(group: typeof users) {
  const agg = new KplAggregator({ maxRecordBytes: 1024 * 1024 });
  for (const u of group)
    if (!agg.tryAdd(u.partitionKey, u.data)) throw new Error('group does not fit');
  return agg.build();
}

// Byte compatibility on every group before timing anything.
const oursBuilt = groups.map(ours);
const theirsBuilt = groups.map((g) => libAggregate(g));
const identical = oursBuilt.every((o, i) => o.data.equals(theirsBuilt[i]!.data));
if (!identical) throw new Error('aggregated records differ from aws-kinesis-agg output');

// Deaggregation starts where Lambda hands records over: base64 strings. Both sides decode them.
const oursBase64 = oursBuilt.map((o) => ({
  b64: o.data.toString('base64'),
  partitionKey: o.partitionKey,
}));

let sink = 0;
const cases = {
  aggregateOurs: () => {
    for (const g of groups) sink += ours(g).data.length;
  },
  aggregateLib: () => {
    for (const g of groups) sink += libAggregate(g).data.length;
  },
  deaggregateOurs: () => {
    for (const o of oursBase64) {
      const r = deaggregate(Buffer.from(o.b64, 'base64'));
      if (r.status === 'ok') sink += r.records.length;
    }
  },
  deaggregateLib: () => {
    for (const o of oursBase64) sink += libDeaggregateBase64(o.b64, o.partitionKey).length;
  },
};

const rates: Record<string, number[]> = {};
for (let round = -2; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (round < 0) continue;
    rates[name] ??= [];
    rates[name].push(RECORDS / seconds);
  }
}
const m = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, Math.round(median(v))]));
const result = {
  date: new Date().toISOString(),
  node: process.version,
  userRecords: RECORDS,
  userRecordsPerAggregatedRecord: GROUP,
  meanUserRecordBytes: Math.round(users.reduce((s, u) => s + u.data.length, 0) / RECORDS),
  byteIdenticalToAwsKinesisAgg: identical,
  userRecordsPerSecond: m,
  ratios: {
    aggregateOursOverLib: m.aggregateOurs! / m.aggregateLib!,
    deaggregateOursOverLib: m.deaggregateOurs! / m.deaggregateLib!,
  },
  sink,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync('bench/results/kpl.json', `${JSON.stringify(result, null, 2)}\n`);
