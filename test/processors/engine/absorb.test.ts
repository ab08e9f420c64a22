import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSketch, newSketch } from '../../../processors/aggregates/sketch.ts';
import {
  absorbValue,
  emptyWindowState,
  type WindowState,
} from '../../../processors/aggregates/window-state.ts';
import { absorbPlan, type StoredPart } from '../../../processors/engine/absorb.ts';
import { planBatch } from '../../../processors/engine/batch-plan.ts';
import { PartConsumedError } from '../../../processors/engine/errors.ts';
import { eventIdHash } from '../../../processors/engine/event-id-hash.ts';
import { decodeBatch } from '../../../processors/kinesis/decode-records.ts';
import { decodePartState, encodePartState } from '../../../processors/store/part-state-codec.ts';
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

describe('absorbPlan ownership of the stored part', () => {
  const OPTIONS = { relativeAccuracy: 0.01, dedupHorizonEvents: 64 };
  const WHERE = { pk: 'p', sk: 's' };

  /** A stored part as `readParts` gives it: decoded from its blob. */
  function storedFrom(blob: Uint8Array): StoredPart {
    return { ...decodePartState(blob, 0.01, WHERE), version: 2, closed: false };
  }

  function blobOf(values: readonly number[], hashes: readonly number[]): Uint8Array {
    const state = emptyWindowState(0.01);
    for (let i = 0; i < values.length; i++) absorbValue(state, values[i]!, 1_000 + i, false);
    return encodePartState({ state, recentIdHashes: hashes, marks: new Map() });
  }

  it('gives exactly the next part that absorbing into a copy of the stored part gives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 200 }),
        // A full horizon (64) is the case updated in place.
        fc.oneof(fc.constant(64), fc.integer({ min: 0, max: 80 })),
        fc.integer({ min: 1, max: 40 }),
        (values, stored, fresh) => {
          // arrange: `stored` hashes in the horizon, `fresh` new events (values 0, 1, ...).
          const hashes = Array.from({ length: stored }, (_, i) => eventIdHash(`old-${i}`));
          const blob = blobOf(values, hashes);
          const ids = Array.from({ length: fresh }, (_, i) => `new-${i}`);
          const plan = planOf(ids);
          // The reference, as absorbPlan did before it took parts over: copy, then absorb.
          const original = decodePartState(blob, 0.01, WHERE);
          const state: WindowState = { ...original.state, sketch: newSketch(0.01) };
          mergeSketch(state.sketch, original.state.sketch);
          for (let k = 0; k < plan.indices.length; k++) {
            const i = plan.indices[k]!;
            absorbValue(state, plan.columns.values[i]!, plan.columns.timestamps[i]!, false);
          }
          const horizon = [...hashes, ...ids.map((id) => eventIdHash(id))].slice(
            -OPTIONS.dedupHorizonEvents,
          );
          // act
          const outcome = absorbPlan(storedFrom(blob), plan, NO_TIME, OPTIONS);
          // assert
          expect(outcome.absorbed).toBe(fresh);
          const next = outcome.next!;
          expect(Array.from(next.recentIdHashes)).toEqual(horizon);
          const expected = encodePartState({ state, recentIdHashes: horizon, marks: next.marks });
          expect(Buffer.from(encodePartState(next)).equals(Buffer.from(expected))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a stored part it has already absorbed into, so a retry must read it again', () => {
    // arrange
    const hashes = Array.from({ length: 64 }, (_, i) => eventIdHash(`old-${i}`));
    const stored = storedFrom(blobOf([1, 2, 3], hashes));
    const plan = planOf(['a', 'b']);
    absorbPlan(stored, plan, NO_TIME, OPTIONS);
    // act / assert
    expect(() => absorbPlan(stored, plan, NO_TIME, OPTIONS)).toThrow(PartConsumedError);
    // The error names the whole part: its window size and partition key are part of its key.
    const { key } = plan;
    expect(() => absorbPlan(stored, plan, NO_TIME, OPTIONS)).toThrow(
      `${key.source}/${key.metric}/${key.windowSizeMillis}/${key.windowStart}/${key.shardId}/${key.partitionKey}`,
    );
    expect(absorbPlan(storedFrom(blobOf([1, 2, 3], hashes)), plan, NO_TIME, OPTIONS).absorbed).toBe(
      2,
    );
  });
});
