/**
 * Processor throughput in-process: base64 -> KPL deaggregate -> Avro decode -> window -> aggregate
 * (the handler's own `decodeBatch`, `planBatch` and `absorbPlan`, no DynamoDB), in user records
 * per second on one core, against the raw decode floor (avsc `fromBuffer` alone on the same
 * record bodies) measured in the same run, rounds interleaved, medians compared. Then the heap
 * with 10,000 sources and three window sizes, in a child process capped at 256 MiB of heap
 * (`processor-heap.ts`).
 *
 * Run: `node --expose-gc --import tsx bench/processor.bench.ts` (about 30 s).
 * Writes `bench/results/processor.json`.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

// Heap: 10,000 sources x 3 window sizes, in a child whose heap is capped at the target.
const HEAP_LIMIT_MIB = 256;
const child = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    `--max-old-space-size=${HEAP_LIMIT_MIB}`,
    '--import',
    'tsx',
    fileURLToPath(new URL('./processor-heap.ts', import.meta.url)),
  ],
  { encoding: 'utf8' },
);
const heapLines = child.stdout.trim().split('\n');
const heap =
  child.status === 0 ? (JSON.parse(heapLines[heapLines.length - 1]!) as object) : undefined;

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
    maxOldSpaceSizeMiB: HEAP_LIMIT_MIB,
    completedUnderLimit: child.status === 0,
    ...(heap ?? { error: child.stderr.slice(-2_000) }),
  },
  sink,
};
writeFileSync(
  new URL('./results/processor.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result, null, 2));
