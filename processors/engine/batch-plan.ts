/**
 * Groups a batch's decoded events by the window part they belong to: one part per (source,
 * metric, window size, window start, shard, partition key). The partition key is in the part so
 * that each part has exactly one ordered writer: Kinesis and the event source mapping keep order
 * per partition key within a shard, even with a parallelization factor above 1, and never hand
 * one partition key of a shard to two concurrent batches. (A hot source spread over sub-keys
 * `source#k` therefore gets one part per sub-key; reads merge them.)
 */

import { alignedStart, type WindowSpec } from '../windows/window.ts';
import type { EventColumns } from './event-columns.ts';

/** Which part of which window. */
export interface PartKey {
  readonly source: string;
  readonly metric: string;
  readonly windowSizeMillis: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly shardId: string;
  readonly partitionKey: string;
}

/** The events of one part, in shard order: indices into the batch's columns. */
export interface PartPlan {
  readonly key: PartKey;
  readonly columns: EventColumns;
  readonly indices: Int32Array;
}

/** One series (source, metric, shard, partition key): the decoder's series id names it. */
interface Series {
  readonly source: string;
  readonly metric: string;
  readonly partitionKey: string;
  readonly shardId: string;
  /** Per spec, the windows of this series seen so far. */
  readonly windows: SeriesWindows[];
}

/** The plans of one series under one spec, by window start. */
interface SeriesWindows {
  readonly sizeMillis: number;
  /** What starts are aligned to: the size of a tumbling window, the slide of a hopping one. */
  readonly stepMillis: number;
  /**
   * `alignedStart` of the series' previous event: a later event within one step of it has the
   * same, without the floating-point modulo (the largest cost per event once lookups were
   * cheap). Exact: `alignedStart` is exact for integer steps below 2^53, so `t` in
   * `[aligned, aligned + step)` means `alignedStart(t, step) === aligned`.
   */
  aligned: number;
  // Events of a series mostly fall in the window of the one before: one compare, no lookup.
  lastStart: number;
  lastPlan: number;
  byStart: Map<number, number> | undefined;
}

/** (event, plan) pairs in event order, and the plans' keys in first-seen order. */
class Assignments {
  events: Int32Array;
  plans: Int32Array;
  length = 0;
  readonly keys: PartKey[] = [];

  constructor(capacity: number) {
    this.events = new Int32Array(Math.max(capacity, 16));
    this.plans = new Int32Array(this.events.length);
  }

  /** Puts event `i` in the window of `series` starting at `start` (a new plan if new). */
  add(i: number, start: number, series: Series, windows: SeriesWindows): void {
    const plan =
      start === windows.lastStart ? windows.lastPlan : this.#planOf(start, series, windows);
    const n = this.length;
    if (n === this.events.length) this.#grow();
    this.events[n] = i;
    this.plans[n] = plan;
    this.length = n + 1;
  }

  #planOf(start: number, series: Series, windows: SeriesWindows): number {
    let byStart = windows.byStart;
    if (byStart === undefined) {
      byStart = new Map();
      if (windows.lastPlan >= 0) byStart.set(windows.lastStart, windows.lastPlan);
      windows.byStart = byStart;
    }
    let plan = byStart.get(start);
    if (plan === undefined) {
      plan = this.keys.length;
      this.keys.push({
        source: series.source,
        metric: series.metric,
        windowSizeMillis: windows.sizeMillis,
        windowStart: start,
        windowEnd: start + windows.sizeMillis,
        shardId: series.shardId,
        partitionKey: series.partitionKey,
      });
      byStart.set(start, plan);
    }
    windows.lastStart = start;
    windows.lastPlan = plan;
    return plan;
  }

  #grow(): void {
    const events = new Int32Array(this.events.length * 2);
    events.set(this.events);
    this.events = events;
    const plans = new Int32Array(events.length);
    plans.set(this.plans);
    this.plans = plans;
  }
}

/**
 * Assigns every event to its windows under every spec and groups them by part, keeping order.
 *
 * Per event: its series by index (the decoder gave every event a series id, so no lookup by
 * string), one compare with the series' last window start, and one (event, plan) pair written
 * to a typed array. The pairs are then counted and placed per plan into one `Int32Array` (a
 * counting sort, stable), so the plans' index lists are views of one buffer rather than
 * thousands of growing JS arrays.
 * `specs` have distinct sizes (the config requires it: a part is identified by size and start).
 */
export function planBatch(columns: EventColumns, specs: readonly WindowSpec[]): PartPlan[] {
  if (specs.length === 0) return [];
  const { timestamps, seriesIds } = columns;
  const keys = columns.series;
  const seriesById: (Series | undefined)[] = new Array(keys.size);
  const assigned = new Assignments(columns.length * specs.length);
  for (let i = 0; i < columns.length; i++) {
    const id = seriesIds[i]!;
    let series = seriesById[id];
    if (series === undefined) {
      series = {
        source: keys.sources[id]!,
        metric: keys.metrics[id]!,
        partitionKey: keys.partitionKeys[id]!,
        shardId: keys.shardIds[id]!,
        windows: specs.map(noWindows),
      };
      seriesById[id] = series;
    }
    const t = timestamps[i]!;
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s]!;
      const windows = series.windows[s]!;
      let aligned = windows.aligned;
      if (!(t >= aligned && t < aligned + windows.stepMillis)) {
        aligned = alignedStart(t, windows.stepMillis);
        windows.aligned = aligned;
      }
      if (spec.kind === 'tumbling') {
        assigned.add(i, aligned, series, windows);
        continue;
      }
      // Latest start first, as `assignHoppingWindows`.
      for (let start = aligned; start > t - spec.sizeMillis; ) {
        assigned.add(i, start, series, windows);
        start -= spec.slideMillis;
      }
    }
  }
  return groupByPlan(assigned, columns);
}

function noWindows(spec: WindowSpec): SeriesWindows {
  return {
    sizeMillis: spec.sizeMillis,
    stepMillis: spec.kind === 'tumbling' ? spec.sizeMillis : spec.slideMillis,
    aligned: Number.NaN,
    lastStart: Number.NaN,
    lastPlan: -1,
    byStart: undefined,
  };
}

/** The plans of `assigned`, each with its events in order (a counting sort by plan). */
function groupByPlan(assigned: Assignments, columns: EventColumns): PartPlan[] {
  const { keys, events, plans, length } = assigned;
  const starts = new Int32Array(keys.length + 1);
  for (let n = 0; n < length; n++) {
    const p = plans[n]! + 1;
    starts[p] = starts[p]! + 1;
  }
  for (let p = 0; p < keys.length; p++) starts[p + 1] = starts[p + 1]! + starts[p]!;
  const all = new Int32Array(length);
  const next = starts.slice(0, keys.length);
  for (let n = 0; n < length; n++) {
    const p = plans[n]!;
    const at = next[p]!;
    all[at] = events[n]!;
    next[p] = at + 1;
  }
  const out: PartPlan[] = new Array(keys.length);
  for (let p = 0; p < keys.length; p++) {
    out[p] = { key: keys[p]!, columns, indices: all.subarray(starts[p]!, starts[p + 1]!) };
  }
  return out;
}
