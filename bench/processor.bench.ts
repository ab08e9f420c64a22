/**
 * Processor throughput in-process: base64 -> KPL deaggregate -> Avro decode -> window -> aggregate
 * (the handler's own `decodeBatch`, `planBatch` and `absorbPlan`, no DynamoDB), in user records
 * per second on one core, against the raw decode floor (avsc `fromBuffer` alone on the same
 * record bodies) measured in the same run, rounds interleaved, medians compared. Two scenarios:
 * - cold: every part is new (`absorbPlan(undefined, ...)`), the first batch of a window;
 * - steady: every part already holds what a part holds after a few batches: a full
 *   de-duplication horizon (2,048 hashes), a sketch of 2,048 values and one mark, stored as the
 *   encoded blob a read returns. The blob is built before the measured window; decoding it
 *   (`decodePartState`, as `readParts` does per item) is measured, since the handler pays it on
 *   every batch, and `absorbPlan` then takes the decoded part over; a third figure adds
 *   `encodePartState` of each new part, which the handler also pays before its write.
 *   DynamoDB I/O is in no number.
 * The measured code (`processor-path.ts`, the floor included) is bundled as the CDK app bundles
 * the Lambda (`bundle.ts`); fixtures are built outside the measured window. Then the heap
 * with 10,000 sources and three window sizes, in a child process capped at 256 MiB of heap
 * (`processor-heap.ts`).
 *
 * Run: `node --expose-gc --import tsx bench/processor.bench.ts` (about 30 s).
 * Writes `bench/results/processor.json`.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { absorbValue, emptyWindowState } from '../processors/aggregates/window-state.ts';
import { planBatch } from '../processors/engine/batch-plan.ts';
import { eventIdHash } from '../processors/engine/event-id-hash.ts';
import { recordPosition } from '../processors/engine/sequence.ts';
import { decodeBatch } from '../processors/kinesis/decode-records.ts';
import { encodePartState } from '../processors/store/part-state-codec.ts';
import type { WindowSpec } from '../processors/windows/window.ts';
import { importBundled } from './bundle.ts';
import { median } from './ingest-fixtures.ts';
import { BENCH_T0, benchBatch } from './processor-fixtures.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const measured = await importBundled<typeof import('./processor-path.ts')>(
  new URL('./processor-path.ts', import.meta.url),
  'processor-path',
);
const { ABSORB, processBatch } = measured;
const floorDecode = measured.floorDecoder(
  readFileSync(new URL('../schemas/avsc/TelemetryEvent.avsc', import.meta.url), 'utf8'),
);

/** Encoded state of a part some batches old: full horizon, a sketch, one mark below the batch. */
function steadyPartBlob(partitionKey: string): Uint8Array {
  const state = emptyWindowState(ABSORB.relativeAccuracy);
  const recentIdHashes: number[] = [];
  for (let i = 0; i < ABSORB.dedupHorizonEvents; i++) {
    absorbValue(state, Math.abs(Math.sin(i)) * 100, BENCH_T0 + i, false);
    recentIdHashes.push(eventIdHash(`earlier-${partitionKey}-${i}`));
  }
  const marks = new Map([[partitionKey, recordPosition('1', 0)]]);
  return encodePartState({ state, recentIdHashes, marks });
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
// Fixtures of the steady scenario, outside the measured window: one blob per part (the batch
// has one part per source, keyed by its user partition key = source).
const planned = planBatch(decodeBatch(records, 'partition-key').events, tenSeconds);
const steadyParts = new Map<string, Uint8Array>();
for (const p of planned) steadyParts.set(p.key.partitionKey, steadyPartBlob(p.key.partitionKey));
const missing = planned.filter((p) => !steadyParts.has(p.key.partitionKey)).length;
if (missing > 0) throw new Error(`${missing} parts have no steady fixture`);
const steadyBlobBytes = steadyParts.values().next().value?.length ?? 0;
let sink = 0;
const floor: number[] = [];
const cold: number[] = [];
const steady: number[] = [];
const steadyEncoded: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  floor.push(
    rate(bodies.length, () => {
      sink += floorDecode(bodies);
    }),
  );
  cold.push(
    rate(userRecords.length, () => {
      sink += processBatch(records, tenSeconds).absorbed;
    }),
  );
  let absorbed = 0;
  steady.push(
    rate(userRecords.length, () => {
      absorbed = processBatch(records, tenSeconds, steadyParts).absorbed;
    }),
  );
  // Every event is new to its stored part: a steady number that skipped work would show here.
  if (absorbed !== userRecords.length) throw new Error(`steady absorbed ${absorbed}`);
  sink += absorbed;
  steadyEncoded.push(
    rate(userRecords.length, () => {
      sink += processBatch(records, tenSeconds, steadyParts, true).encodedBytes;
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
  measuredCode: 'bundled as Lambda runs it (esbuild, infra/cdk/bundle-options.ts), floor included',
  userRecordsPerBatch: userRecords.length,
  kinesisRecordsPerBatch: records.length,
  rounds: ROUNDS,
  partsPerBatch: planned.length,
  userRecordsPerSecondPerCore: {
    rawAvscDecodeFloor: Math.round(median(floor)),
    processorColdParts: Math.round(median(cold)),
    processorSteadyParts: Math.round(median(steady)),
    processorSteadyPartsWithEncode: Math.round(median(steadyEncoded)),
  },
  coldOverFloor: median(cold) / median(floor),
  steadyOverFloor: median(steady) / median(floor),
  steadyScenario: {
    storedPartStateBytes: steadyBlobBytes,
    dedupHorizonEvents: ABSORB.dedupHorizonEvents,
    sketchValues: ABSORB.dedupHorizonEvents,
    measured:
      'decodePartState per part (horizon and sketch bins copied out of the blob) + absorbPlan, which takes over the decoded part as the handler does',
    withEncode: 'the same, plus encodePartState of every new part (what the handler writes)',
  },
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
