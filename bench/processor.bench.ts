/**
 * Processor throughput in-process: base64 -> KPL deaggregate -> Avro decode -> window -> aggregate
 * (the handler's own `decodeBatch`, `planBatch` and `absorbPlan`, no DynamoDB), in user records
 * per second on one core, against the raw decode floor (avsc `fromBuffer` alone on the same
 * record bodies) measured in the same run, rounds interleaved, medians compared. Then the heap
 * with 10,000 sources and three window sizes.
 *
 * Run: `node --expose-gc --import tsx bench/processor.bench.ts` (about 30 s).
 * Writes `bench/results/processor.json`.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import avro from 'avsc';
import { absorbPlan } from '../processors/engine/absorb.ts';
import { planBatch } from '../processors/engine/batch-plan.ts';
import { decodeBatch } from '../processors/kinesis/decode-records.ts';
import type { WindowSpec } from '../processors/windows/window.ts';
import { median } from './ingest-fixtures.ts';
import { benchBatch } from './processor-fixtures.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const NO_TIME = {
  maxEventTimeMillis: Number.NEGATIVE_INFINITY,
  watermarkMillis: Number.NEGATIVE_INFINITY,
};
const ABSORB = { relativeAccuracy: 0.01, dedupHorizonEvents: 2_048 };

const rawType = avro.Type.forSchema(
  JSON.parse(readFileSync(new URL('../schemas/avsc/TelemetryEvent.avsc', import.meta.url), 'utf8')),
);

function processBatch(
  records: Parameters<typeof decodeBatch>[0],
  specs: readonly WindowSpec[],
): number {
  const batch = decodeBatch(records, 'partition-key');
  let absorbed = 0;
  for (const plan of planBatch(batch.events, specs))
    absorbed += absorbPlan(undefined, plan, NO_TIME, ABSORB).absorbed;
  return absorbed;
}

function rate(events: number, fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return events / (Number(process.hrtime.bigint() - t0) / 1e9);
}

// Throughput: 1,000 sources, 100 events each, one 10-second tumbling window size.
const { records, userRecords } = benchBatch(1_000, 100, 0);
const bodies = userRecords.map((u) => Buffer.from(u.subarray(10)));
const tenSeconds: WindowSpec[] = [{ kind: 'tumbling', sizeMillis: 10_000 }];
let sink = 0;
const floor: number[] = [];
const processor: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  floor.push(
    rate(bodies.length, () => {
      for (const b of bodies) sink += (rawType.fromBuffer(b) as { value: number }).value;
    }),
  );
  processor.push(
    rate(userRecords.length, () => {
      sink += processBatch(records, tenSeconds);
    }),
  );
}

// Heap: 10,000 sources x 3 window sizes, 10 events each per batch (100,000 user records).
const three: WindowSpec[] = [
  { kind: 'tumbling', sizeMillis: 10_000 },
  { kind: 'tumbling', sizeMillis: 60_000 },
  { kind: 'tumbling', sizeMillis: 300_000 },
];
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let heapPeak = heapBefore;
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}, 5);
for (let second = 0; second < 5; second++) {
  const big = benchBatch(10_000, 10, second);
  sink += processBatch(big.records, three);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  await new Promise((r) => setImmediate(r));
}
clearInterval(sampler);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  userRecordsPerBatch: userRecords.length,
  kinesisRecordsPerBatch: records.length,
  rounds: ROUNDS,
  userRecordsPerSecondPerCore: {
    rawAvscDecodeFloor: Math.round(median(floor)),
    processorInProcess: Math.round(median(processor)),
  },
  processorOverFloor: median(processor) / median(floor),
  heap: {
    scenario:
      '10,000 sources x 3 window sizes (10 s, 1 min, 5 min), batches of 100,000 user records',
    gcExposed: gc !== undefined,
    heapBeforeMiB: Math.round(heapBefore / 2 ** 20),
    heapPeakMiB: Math.round(heapPeak / 2 ** 20),
  },
  sink,
};
writeFileSync(
  new URL('./results/processor.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result, null, 2));
