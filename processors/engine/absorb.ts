/**
 * Filter, then merge: the decision of what a part absorbs from a batch, given what the part
 * already holds. Deterministic, so the handler's retries and the property tests run the same code
 * (each retry on a part read again: the part given is consumed, see `absorbPlan`).
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

import { allocDoubles } from '../aggregates/double-slab.ts';
import { adoptSketch } from '../aggregates/sketch.ts';
import { absorbValue, emptyWindowState, type WindowState } from '../aggregates/window-state.ts';
import type { PartPlan } from './batch-plan.ts';
import { PartConsumedError } from './errors.ts';
import type { RecordContext } from './event-columns.ts';
import { IdHashSet } from './id-hash-set.ts';
import { NO_MARK, positionAt, type SplitPosition, splitPosition } from './sequence.ts';

/** What a part holds in the store. */
export interface StoredPart {
  readonly state: WindowState;
  /** Hashes of the most recent event ids absorbed, oldest first (a typed array once decoded). */
  readonly recentIdHashes: ArrayLike<number>;
  /**
   * Per ordering unit (see `RecordContext.orderingKey`), the position of the last event taken;
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

/** An event reported late (an index into the plan's columns), with its reason. */
export interface LateEvent {
  readonly index: number;
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

/**
 * Decides and applies what `plan` adds to `stored`.
 *
 * `stored` is consumed: its sketch and its horizon become the next part's (updated in place,
 * not copied: copying 2,048 bins and 2,048 hashes per part per batch was a large part of the
 * steady cost). Its `version` and `closed` stay readable; anything else must not be used after
 * the call, and a retry must absorb into a part read again. Giving the same part twice throws
 * {@link PartConsumedError} rather than absorb into a part already changed.
 *
 * @throws {PartConsumedError} when `stored` was given to an earlier call.
 */
export function absorbPlan(
  stored: StoredPart | undefined,
  plan: PartPlan,
  time: ShardTime,
  options: AbsorbOptions,
): AbsorbOutcome {
  if (stored !== undefined && CONSUMED.has(stored)) {
    const { key } = plan;
    throw new PartConsumedError(
      `${key.source}/${key.metric}/${key.windowSizeMillis}/${key.windowStart}/${key.shardId}/${key.partitionKey}`,
    );
  }
  const closed = stored?.closed ?? false;
  const { windowEnd } = plan.key;
  const beyondLateness = windowEnd <= time.watermarkMillis;
  const lateWithinLateness = windowEnd <= time.maxEventTimeMillis;
  const marks = new MarkCursor(stored?.marks ?? EMPTY_MARKS);
  let state: WindowState | undefined;
  let seen: IdHashSet | undefined;
  // Only the hashes this plan adds (in `ADDED`); the stored horizon is read, never copied.
  let added = 0;
  let absorbed = 0;
  let alreadyAbsorbed = 0;
  let duplicates = 0;
  const late: LateEvent[] = [];
  const { indices, columns } = plan;
  const { values, timestamps, idHashes, subSequences, records, recordContexts } = columns;
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    const context = recordContexts[records[i]!]!;
    const sub = subSequences[i]!;
    if (!marks.isNew(context, sub)) {
      alreadyAbsorbed++;
      continue;
    }
    if (closed || beyondLateness) {
      late.push({
        index: i,
        reason: beyondLateness ? LATE_REASONS.beyondAllowedLateness : LATE_REASONS.windowClosed,
      });
      continue;
    }
    if (seen === undefined || state === undefined) {
      seen = seenFromHorizon(stored?.recentIdHashes ?? NO_HASHES, idHashes, indices, j);
      state = takeState(stored, options.relativeAccuracy);
      if (ADDED.length < indices.length - j) ADDED = new Float64Array(indices.length);
    }
    // A duplicate moves the mark too: it has been decided, and must not be decided again.
    marks.take(context, sub);
    const idHash = idHashes[i]!;
    if (!seen.add(idHash)) {
      duplicates++;
      continue;
    }
    ADDED[added++] = idHash;
    absorbValue(state, values[i]!, timestamps[i]!, lateWithinLateness);
    absorbed++;
  }
  if (state === undefined || (absorbed === 0 && stored === undefined)) {
    return { next: undefined, absorbed, alreadyAbsorbed, duplicates, late };
  }
  const recentIdHashes = nextHorizon(
    stored?.recentIdHashes ?? NO_HASHES,
    ADDED,
    added,
    options.dedupHorizonEvents,
  );
  if (stored !== undefined) CONSUMED.add(stored);
  return {
    next: {
      state,
      recentIdHashes,
      marks: marks.next(),
      version: (stored?.version ?? 0) + 1,
      closed: false,
    },
    absorbed,
    alreadyAbsorbed,
    duplicates,
    late,
  };
}

/**
 * The marks of one part while a plan is absorbed: compares each event with the mark of its
 * ordering unit (split once per unit, compared as prefix and number), and remembers the last
 * event taken per unit, so that a mark string is built once per unit, not once per event.
 * Events of one unit arrive in order, so the last one taken is the highest.
 */
class MarkCursor {
  readonly #stored: ReadonlyMap<string, string>;
  readonly #split = new Map<string, SplitPosition>();
  readonly #lastTaken = new Map<string, SplitPosition>();
  // The record of the previous event: consecutive events mostly share it, hence its unit, and
  // how its prefix compares with the unit's mark (1 after, 0 the mark's record, -1 before).
  #context: RecordContext | undefined;
  #order = 0;
  #markSub = 0;
  #taken: RecordContext | undefined;
  #takenSub = 0;

  constructor(stored: ReadonlyMap<string, string>) {
    this.#stored = stored;
  }

  /** True when user record `sub` of `context` is after its unit's stored mark. */
  isNew(context: RecordContext, sub: number): boolean {
    if (context !== this.#context) {
      this.#context = context;
      // A unit without a mark (most of them: one Kinesis record's partition key each) costs
      // one lookup in the stored marks, none when there are none; marks found are split once.
      const unit = context.orderingKey;
      const position = this.#stored.size === 0 ? undefined : this.#stored.get(unit);
      let mark = NO_SPLIT;
      if (position !== undefined) {
        mark = this.#split.get(unit) ?? splitPosition(position);
        this.#split.set(unit, mark);
      }
      const prefix = context.positionPrefix;
      this.#order = prefix > mark.prefix ? 1 : prefix === mark.prefix ? 0 : -1;
      this.#markSub = mark.sub;
    }
    // `isAfter(prefix, sub, mark)` with the prefix compared once per record.
    return this.#order > 0 || (this.#order === 0 && sub > this.#markSub);
  }

  /** Records user record `sub` of `context` as the last its unit has taken. */
  take(context: RecordContext, sub: number): void {
    const taken = this.#taken;
    if (taken !== undefined && taken !== context && taken.orderingKey !== context.orderingKey) {
      this.#flush(taken);
    }
    this.#taken = context;
    this.#takenSub = sub;
  }

  /** The stored marks moved to the last event taken per unit. */
  next(): Map<string, string> {
    if (this.#taken !== undefined) this.#flush(this.#taken);
    const marks = new Map(this.#stored);
    for (const [unit, last] of this.#lastTaken) marks.set(unit, positionAt(last.prefix, last.sub));
    return marks;
  }

  #flush(taken: RecordContext): void {
    this.#lastTaken.set(taken.orderingKey, { prefix: taken.positionPrefix, sub: this.#takenSub });
  }
}

const EMPTY_MARKS: ReadonlyMap<string, string> = new Map();
const NO_SPLIT = splitPosition(NO_MARK);
/** Parts whose sketch and horizon an earlier call took over. */
const CONSUMED = new WeakSet<StoredPart>();
const NO_HASHES: ArrayLike<number> = new Float64Array(0);
const FILTER_WORDS = 128;
const FILTER_MASK = FILTER_WORDS - 1;

// Scratch of `absorbPlan`, reused from part to part (it runs to completion, never interleaved):
// allocating a typed array costs about 2 us whatever its size, more than the work done with it.
const CANDIDATES = new IdHashSet(0);
const SEEN = new IdHashSet(0);
const FILTER = new Int32Array(FILTER_WORDS);
let ADDED = new Float64Array(1024);

/**
 * The set the plan's events are checked against, from event `from` on: the stored horizon's
 * hashes that some of these events carry (the only ones that can make one a duplicate), room
 * for the events' own. Why not every stored hash: a horizon holds thousands, a plan a few
 * hundred; filling a set with the horizon on every batch was most of `absorbPlan`'s time.
 * The set returned is scratch, valid until the next call.
 */
function seenFromHorizon(
  horizon: ArrayLike<number>,
  idHashes: ArrayLike<number>,
  indices: ArrayLike<number>,
  from: number,
): IdHashSet {
  const remaining = indices.length - from;
  // Hits are among the candidates, so at most `remaining` of them, plus `remaining` adds.
  const seen = SEEN;
  seen.reset(remaining * 2);
  if (horizon.length === 0) return seen;
  const candidates = CANDIDATES;
  candidates.reset(remaining);
  // A bit per value of the low 12 bits of the candidates' hashes: most stored hashes are ruled
  // out by one load, and only the few that pass (about remaining / 4096 of them) probe the set.
  const filter = FILTER;
  filter.fill(0);
  for (let j = from; j < indices.length; j++) {
    const hash = idHashes[indices[j]!]!;
    candidates.add(hash);
    const low = hash >>> 0;
    const word = (low >>> 5) & FILTER_MASK;
    filter[word] = filter[word]! | (1 << (low & 31));
  }
  for (let h = 0; h < horizon.length; h++) {
    const hash = horizon[h]!;
    const low = hash >>> 0;
    if ((filter[(low >>> 5) & FILTER_MASK]! & (1 << (low & 31))) !== 0 && candidates.has(hash)) {
      seen.add(hash);
    }
  }
  return seen;
}

/**
 * The last `size` hashes of the stored horizon followed by `added[0, count)`, oldest first: in
 * the stored array itself when it is a full `Float64Array` (the steady case), else a new one.
 */
function nextHorizon(
  stored: ArrayLike<number>,
  added: Float64Array,
  count: number,
  size: number,
): Float64Array {
  const total = stored.length + count;
  const length = Math.min(total, size);
  const skip = total - length;
  const inPlace = stored instanceof Float64Array && stored.length === length;
  const out = inPlace ? stored : allocDoubles(length);
  let o = 0;
  if (skip < stored.length) {
    if (inPlace) {
      out.copyWithin(0, skip);
    } else if (stored instanceof Float64Array) {
      out.set(stored.subarray(skip), 0);
    } else {
      for (let h = skip; h < stored.length; h++) out[h - skip] = stored[h]!;
    }
    o = stored.length - skip;
  }
  const first = Math.max(0, skip - stored.length);
  out.set(added.subarray(first, count), o);
  return out;
}

/**
 * The stored state as the next part's, its sketch taken over (what copying it into an empty
 * state would give; `adoptSketch`), or an empty state for a new part.
 */
function takeState(from: StoredPart | undefined, relativeAccuracy: number): WindowState {
  if (from === undefined) return emptyWindowState(relativeAccuracy);
  const stored = from.state;
  return {
    count: stored.count,
    sum: stored.sum,
    min: stored.min,
    max: stored.max,
    firstEventTime: stored.firstEventTime,
    lastEventTime: stored.lastEventTime,
    lateCount: stored.lateCount,
    sketch: adoptSketch(stored.sketch, relativeAccuracy),
  };
}
