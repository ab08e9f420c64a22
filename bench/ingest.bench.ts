/**
 * In-process ingest throughput: everything a request costs between API Gateway and the Kinesis
 * call (parse, validate, Avro encode, partition, group by shard, KPL aggregate, chunk into
 * PutRecords calls), in records per second, against a bare `JSON.parse` of the same bodies
 * measured in the same run (rounds interleaved, medians compared; the median of the per-round
 * ratios is reported too, steadier on a loaded machine). Also the heap after the largest accepted
 * request (4 MiB), after a full GC before it.
 *
 * Run: `npx tsx bench/ingest.bench.ts` (about 20 s). Writes `bench/results/ingest.json`.
 */

import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { parseBody } from '../ingest/body/parse-body.ts';
import { resolveIngestConfig } from '../ingest/config.ts';
import { EncodeArena } from '../ingest/encode-arena.ts';
import { chunkPutEntries } from '../ingest/kinesis/chunk.ts';
import { HotKeyTracker } from '../ingest/partition/hot-keys.ts';
import { PartitionRouter } from '../ingest/partition/shard-map.ts';
import { planRequest } from '../ingest/pipeline.ts';
import { planPutEntries, type RecordFormat } from '../ingest/plan.ts';
import { BYTES_WRITER } from '../ingest/record-writer.ts';
import { telemetryEventProblem } from '../ingest/validate.ts';
import { encodeTelemetryEvent } from '../schemas/codec.ts';
import { uncheckedTelemetryWriter } from '../schemas/encode-into.ts';
import type { TelemetryEvent } from '../schemas/types.ts';
import { evenShardMap, jsonBodies, median } from './ingest-fixtures.ts';

const RECORDS_PER_BODY = 10_000;
const BODIES = jsonBodies(4, RECORDS_PER_BODY);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const config = resolveIngestConfig({
  streamName: 'bench',
  apiKeys: ['k'],
  kinesis: new KinesisClient({ region: 'us-east-1' }),
});
const router = new PartitionRouter(evenShardMap(4));
const hotKeys = new HotKeyTracker({
  subKeys: config.hotKeySubKeys,
  requestShareFactor: config.hotKeyRequestShareFactor,
  minRecordsPerRequest: config.hotKeyMinRecordsPerRequest,
  recordsPerSecond: config.hotKeyRecordsPerSecond,
  intervalMillis: config.hotKeyIntervalMillis,
  maxTrackedSources: config.hotKeyMaxTrackedSources,
});
let sink = 0;

function ingestAll(): number {
  let records = 0;
  for (const body of BODIES) {
    const parsed = parseBody('json', body, false, config);
    if (!parsed.ok) throw new Error(parsed.message);
    const plan = planRequest(parsed, config, { router, hotKeys }, Date.now());
    if (plan.rejected.length > 0)
      throw new Error(`bench records rejected: ${plan.rejected[0]?.reason}`);
    sink += chunkPutEntries(plan.entries).length;
    records += parsed.values.length;
  }
  return records;
}

/**
 * Attribution only: the same path with the Avro encode replaced by copying a fixed 75-byte
 * buffer (about the size of these records encoded).
 */
const FIXED = Buffer.alloc(75, 1);
const fixedFormat: RecordFormat<TelemetryEvent> = {
  writeInto: (_event, buf, offset) => BYTES_WRITER.writeInto(FIXED, buf, offset),
  sourceOf: (event) => event.source,
  eventIdOf: (event) => event.eventId,
};
function ingestAllWithoutEncode(): number {
  let records = 0;
  for (const body of BODIES) {
    const values = JSON.parse(body) as unknown[];
    const events: TelemetryEvent[] = [];
    const indexes: number[] = [];
    const now = Date.now();
    for (let index = 0; index < values.length; index++) {
      if (telemetryEventProblem(values[index], config, now) !== undefined) continue;
      events.push(values[index] as TelemetryEvent);
      indexes.push(index);
    }
    const plan = planPutEntries(
      { values: events, indexes },
      {
        format: fixedFormat,
        aggregation: true,
        maxAggregatedRecordBytes: config.maxAggregatedRecordBytes,
        subKeys: config.hotKeySubKeys,
        hotSources: new Set(),
        router,
      },
    );
    sink += chunkPutEntries(plan.entries).length;
    records += values.length;
  }
  return records;
}

/** Attribution only: the path's encoder (unchecked, into an arena) on the same records, alone. */
const EVENTS = JSON.parse(BODIES[0]!) as TelemetryEvent[];
const writer = uncheckedTelemetryWriter();
function encodeOnly(): number {
  const arena = new EncodeArena({ writer, expectedRecords: EVENTS.length });
  for (const event of EVENTS) sink += arena.encode(event).length;
  return EVENTS.length;
}

/** Reference: the checked codec (`isValid`, then a fresh Buffer per record), alone. */
function checkedEncodeOnly(): number {
  for (const event of EVENTS) sink += encodeTelemetryEvent(event).length;
  return EVENTS.length;
}

function parseAll(): number {
  let records = 0;
  for (const body of BODIES) records += (JSON.parse(body) as unknown[]).length;
  return records;
}

function rate(run: () => number): number {
  const start = process.hrtime.bigint();
  const records = run();
  return records / (Number(process.hrtime.bigint() - start) / 1e9);
}

// Warm both paths up before measuring.
for (let i = 0; i < 3; i++) {
  ingestAll();
  parseAll();
}
const ingestRates: number[] = [];
const parseRates: number[] = [];
const roundRatios: number[] = [];
const withoutEncodeRates: number[] = [];
const encodeRates: number[] = [];
const checkedEncodeRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  parseRates.push(rate(parseAll));
  ingestRates.push(rate(ingestAll));
  roundRatios.push(ingestRates[round]! / parseRates[round]!);
  withoutEncodeRates.push(rate(ingestAllWithoutEncode));
  encodeRates.push(rate(encodeOnly));
  checkedEncodeRates.push(rate(checkedEncodeOnly));
}

// The largest accepted request: as many records as fit in maxBodyBytes.
const bytesPerRecord = BODIES[0]!.length / RECORDS_PER_BODY;
const largest = jsonBodies(1, Math.floor(config.maxBodyBytes / (bytesPerRecord + 1)))[0]!;
// A full collection first, so the numbers are this request's and not earlier garbage.
setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();
const heapBefore = process.memoryUsage().heapUsed;
const parsedLargest = parseBody('json', largest, false, config);
if (!parsedLargest.ok) throw new Error(parsedLargest.message);
const largestPlan = planRequest(parsedLargest, config, { router, hotKeys }, Date.now());
const calls = chunkPutEntries(largestPlan.entries);
const memoryAfter = process.memoryUsage();
const heapAfter = memoryAfter.heapUsed;

const result = {
  date: new Date().toISOString(),
  node: process.version,
  recordsPerBody: RECORDS_PER_BODY,
  bytesPerRecordJson: Math.round(bytesPerRecord),
  rounds: ROUNDS,
  recordsPerSecond: {
    ingestPath: Math.round(median(ingestRates)),
    jsonParse: Math.round(median(parseRates)),
  },
  ratioIngestOverJsonParse: median(ingestRates) / median(parseRates),
  medianOfRoundRatios: median(roundRatios),
  attribution: {
    avroEncodeAloneRecordsPerSecond: Math.round(median(encodeRates)),
    checkedCodecEncodeAloneRecordsPerSecond: Math.round(median(checkedEncodeRates)),
    ingestPathWithoutAvroEncodeRecordsPerSecond: Math.round(median(withoutEncodeRates)),
    ratioWithoutAvroEncodeOverJsonParse: median(withoutEncodeRates) / median(parseRates),
  },
  largestRequest: {
    bodyBytes: Buffer.byteLength(largest),
    records: parsedLargest.values.length,
    kinesisEntries: largestPlan.entries.length,
    putRecordsCalls: calls.length,
    heapUsedMB: Math.round(heapAfter / 1e6),
    heapGrowthMB: Math.round((heapAfter - heapBefore) / 1e6),
    /** Buffers (the body's records encoded, the aggregated records) live outside the JS heap. */
    arrayBuffersMB: Math.round(memoryAfter.arrayBuffers / 1e6),
  },
  sink,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync('bench/results/ingest.json', `${JSON.stringify(result, null, 2)}\n`);
