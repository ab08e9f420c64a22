/**
 * The processor's heap with 10,000 sources and three window sizes (10 s, 1 min, 5 min):
 * batches of 100,000 user records through decode, plan and absorb, holding what the handler
 * holds until the batch is done: the batch's columns, its plans and each part's counts and late
 * events (a part's new state lives only until its write).
 *
 * Run by `processor.bench.ts` in a child process with the V8 heap capped at 256 MiB
 * (`--max-old-space-size=256`): finishing is the proof that the state fits, since a heap that
 * needed more would end the process with an out-of-memory error. It also reports the live heap
 * at the batch's peak (after a full GC, with everything the batch holds still referenced): a
 * sampler on a timer cannot see inside the synchronous batch.
 *
 * Prints one JSON line.
 */

import { absorbPlan } from '../processors/engine/absorb.ts';
import { planBatch } from '../processors/engine/batch-plan.ts';
import { decodeBatch } from '../processors/kinesis/decode-records.ts';
import type { WindowSpec } from '../processors/windows/window.ts';
import { benchBatch } from './processor-fixtures.ts';

const BATCHES = 5;
const NO_TIME = {
  maxEventTimeMillis: Number.NEGATIVE_INFINITY,
  watermarkMillis: Number.NEGATIVE_INFINITY,
};
const ABSORB = { relativeAccuracy: 0.01, dedupHorizonEvents: 2_048 };
const three: WindowSpec[] = [
  { kind: 'tumbling', sizeMillis: 10_000 },
  { kind: 'tumbling', sizeMillis: 60_000 },
  { kind: 'tumbling', sizeMillis: 300_000 },
];

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

gc();
const heapBefore = process.memoryUsage().heapUsed;
let livePeak = 0;
let usedPeak = 0;
let absorbed = 0;
let parts = 0;
for (let second = 0; second < BATCHES; second++) {
  // The Lambda event: base64 strings of the KPL records, as the runtime hands them over.
  const { records } = benchBatch(10_000, 10, second);
  const batch = decodeBatch(records, 'partition-key');
  const plans = planBatch(batch.events, three);
  // The handler keeps each part's counts and late events; the new state goes to its write
  // and is dropped (at most `maxConcurrentWrites` of them are in flight).
  const outcomes = plans.map((plan) => {
    const { absorbed, late } = absorbPlan(undefined, plan, NO_TIME, ABSORB);
    return { absorbed, late };
  });
  usedPeak = Math.max(usedPeak, process.memoryUsage().heapUsed);
  gc();
  livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
  for (const o of outcomes) absorbed += o.absorbed;
  parts += plans.length;
}

console.log(
  JSON.stringify({
    batches: BATCHES,
    partsPerBatch: parts / BATCHES,
    absorbed,
    heapBeforeMiB: mib(heapBefore),
    liveAtBatchPeakMiB: mib(livePeak),
    heapUsedPeakSeenMiB: mib(usedPeak),
  }),
);
