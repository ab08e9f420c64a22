import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyWindowState } from '../../../processors/aggregates/window-state.ts';
import { absorbPlan, type StoredPart } from '../../../processors/engine/absorb.ts';
import { planBatch } from '../../../processors/engine/batch-plan.ts';
import { eventIdHash } from '../../../processors/engine/event-id-hash.ts';
import { decodeBatch } from '../../../processors/kinesis/decode-records.ts';
import {
  aggregatedData,
  kinesisRecord,
  sequenceNumber,
  telemetryEvent,
} from '../support/kinesis-events.ts';

const NO_TIME = {
  maxEventTimeMillis: Number.NEGATIVE_INFINITY,
  watermarkMillis: Number.NEGATIVE_INFINITY,
};

/** One part's plan of the events with these ids (one source, one second). */
function planOf(ids: readonly string[]) {
  const events = ids.map((eventId, i) => telemetryEvent({ eventId, value: i }));
  const record = kinesisRecord('shardId-0', sequenceNumber(1), 'sensor-1', aggregatedData(events));
  const plans = planBatch(decodeBatch([record]).events, [{ kind: 'tumbling', sizeMillis: 60_000 }]);
  expect(plans).toHaveLength(1);
  return plans[0]!;
}

describe('absorbPlan de-duplication horizon', () => {
  it('drops exactly the ids the horizon or the plan already holds, and keeps the newest `size`', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        (storedIds, planIds, size, typed) => {
          // arrange
          const storedHashes = storedIds.map((n) => eventIdHash(`id-${n}`));
          const stored: StoredPart = {
            state: emptyWindowState(0.01),
            recentIdHashes: typed ? Float64Array.from(storedHashes) : storedHashes,
            marks: new Map(),
            version: 3,
            closed: false,
          };
          const plan = planOf(planIds.map((n) => `id-${n}`));
          // act
          const outcome = absorbPlan(stored, plan, NO_TIME, {
            relativeAccuracy: 0.01,
            dedupHorizonEvents: size,
          });
          // assert: the reference is a Set of everything seen, in order.
          const seen = new Set(storedIds);
          const taken: number[] = [];
          for (const n of planIds) {
            if (seen.has(n)) continue;
            seen.add(n);
            taken.push(n);
          }
          expect(outcome.absorbed).toBe(taken.length);
          expect(outcome.duplicates).toBe(planIds.length - taken.length);
          const horizon = [...storedIds, ...taken].map((n) => eventIdHash(`id-${n}`)).slice(-size);
          expect(Array.from(outcome.next?.recentIdHashes ?? [])).toEqual(horizon);
          expect(stored.recentIdHashes.length).toBe(storedIds.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
