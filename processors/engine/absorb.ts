/**
 * Filter, then merge: the decision of what a part absorbs from a batch, given what the part
 * already holds. Pure, so the handler's retries and the property tests run the same code.
 *
 * An event of the plan is, in this order:
 * - `already-absorbed` when its position is at or below the part's mark for its ordering unit
 *   (a redelivery: retry, bisect, replay after a restart). Marks are kept per ordering unit
 *   because order is only kept per Kinesis partition key: with a parallelization factor above 1
 *   two concurrent batches of one shard may both write a part, each in its own order;
 * - `duplicate` when its event-id hash is in the part's recent horizon (a producer retry wrote it
 *   twice, under another sequence number);
 * - `late` when the part is closed, or the shard's watermark had passed the window end when the
 *   batch began (`windowEnd <= watermark`); it goes to the late-events output, never silently away;
 * - otherwise absorbed, flagged as late-within-lateness when the window end was already at or
 *   below the shard's max event time.
 *
 * Lateness is judged against values that only grow (the persisted watermark, the closed flag),
 * so an event judged late once stays late on every redelivery, and an absorbed one is skipped by
 * the mark: each event is counted once or reported late, never both.
 */

import { mergeSketch } from '../aggregates/sketch.ts';
import { absorbValue, emptyWindowState, type WindowState } from '../aggregates/window-state.ts';
import type { DecodedEvent, PartPlan } from './batch-plan.ts';
import { NO_MARK } from './sequence.ts';

/** What a part holds in the store. */
export interface StoredPart {
  readonly state: WindowState;
  readonly recentIdHashes: readonly number[];
  /**
   * Per ordering unit (see `DecodedEvent.orderingKey`), the position of the last event taken;
   * a unit absent from the map has taken none. Positions of one unit arrive in order, which is
   * what makes "at or below the mark" mean "already seen".
   */
  readonly marks: ReadonlyMap<string, string>;
  /** Optimistic-concurrency version of the item; 0 when it does not exist. */
  readonly version: number;
  readonly closed: boolean;
}

/** Why an event was not absorbed although it is valid. */
export const LATE_REASONS = {
  windowClosed: 'window-closed',
  beyondAllowedLateness: 'beyond-allowed-lateness',
} as const;
export type LateReason = (typeof LATE_REASONS)[keyof typeof LATE_REASONS];

/** An event reported late, with its reason. */
export interface LateEvent {
  readonly decoded: DecodedEvent;
  readonly reason: LateReason;
}

/** Shard time as it was when the batch began. */
export interface ShardTime {
  /** Largest event time the shard had seen; -Infinity for none. */
  readonly maxEventTimeMillis: number;
  /** `maxEventTimeMillis - allowedLatenessMillis`. */
  readonly watermarkMillis: number;
}

/** What absorbing a plan into a part decided. */
export interface AbsorbOutcome {
  /** The new part, or `undefined` when nothing changed (nothing to write). */
  readonly next: StoredPart | undefined;
  readonly absorbed: number;
  readonly alreadyAbsorbed: number;
  readonly duplicates: number;
  readonly late: readonly LateEvent[];
}

/** Options of {@link absorbPlan}. */
export interface AbsorbOptions {
  readonly relativeAccuracy: number;
  /** How many recent event-id hashes a part keeps for de-duplication. */
  readonly dedupHorizonEvents: number;
}

/** Decides and applies what `plan` adds to `stored` (which is left untouched). */
export function absorbPlan(
  stored: StoredPart | undefined,
  plan: PartPlan,
  time: ShardTime,
  options: AbsorbOptions,
): AbsorbOutcome {
  const marks = stored?.marks ?? EMPTY_MARKS;
  const closed = stored?.closed ?? false;
  const { windowEnd } = plan.key;
  const beyondLateness = windowEnd <= time.watermarkMillis;
  const lateWithinLateness = windowEnd <= time.maxEventTimeMillis;
  let state: WindowState | undefined;
  let seen: Set<number> | undefined;
  let hashes: number[] | undefined;
  let nextMarks: Map<string, string> | undefined;
  let absorbed = 0;
  let alreadyAbsorbed = 0;
  let duplicates = 0;
  const late: LateEvent[] = [];
  for (const decoded of plan.events) {
    if (decoded.position <= (marks.get(decoded.orderingKey) ?? NO_MARK)) {
      alreadyAbsorbed++;
      continue;
    }
    if (closed || beyondLateness) {
      late.push({
        decoded,
        reason: beyondLateness ? LATE_REASONS.beyondAllowedLateness : LATE_REASONS.windowClosed,
      });
      continue;
    }
    if (
      seen === undefined ||
      hashes === undefined ||
      state === undefined ||
      nextMarks === undefined
    ) {
      hashes = stored ? [...stored.recentIdHashes] : [];
      seen = new Set(hashes);
      state = copyState(stored?.state, options.relativeAccuracy);
      nextMarks = new Map(marks);
    }
    nextMarks.set(decoded.orderingKey, decoded.position);
    if (seen.has(decoded.idHash)) {
      duplicates++;
      continue;
    }
    seen.add(decoded.idHash);
    hashes.push(decoded.idHash);
    absorbValue(state, decoded.event.value, decoded.event.timestamp, lateWithinLateness);
    absorbed++;
  }
  if (
    state === undefined ||
    hashes === undefined ||
    nextMarks === undefined ||
    (absorbed === 0 && stored === undefined)
  ) {
    return { next: undefined, absorbed, alreadyAbsorbed, duplicates, late };
  }
  const horizon = options.dedupHorizonEvents;
  const recentIdHashes = hashes.length > horizon ? hashes.slice(hashes.length - horizon) : hashes;
  return {
    next: {
      state,
      recentIdHashes,
      marks: nextMarks,
      version: (stored?.version ?? 0) + 1,
      closed: false,
    },
    absorbed,
    alreadyAbsorbed,
    duplicates,
    late,
  };
}

const EMPTY_MARKS: ReadonlyMap<string, string> = new Map();

function copyState(from: WindowState | undefined, relativeAccuracy: number): WindowState {
  const state = emptyWindowState(relativeAccuracy);
  if (from === undefined) return state;
  state.count = from.count;
  state.sum = from.sum;
  state.min = from.min;
  state.max = from.max;
  state.firstEventTime = from.firstEventTime;
  state.lastEventTime = from.lastEventTime;
  state.lateCount = from.lateCount;
  mergeSketch(state.sketch, from.sketch);
  return state;
}
