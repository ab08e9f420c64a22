/**
 * The mergeable state of one window part: count, sum, min, max, first and last event time, the
 * late count and a quantile sketch. Absorbing a value and merging two states are the only ways
 * it changes, so a part's state is the same whatever the batch boundaries were.
 */

import { mergeSketch, newSketch, quantile, REPORTED_QUANTILES, type Sketch } from './sketch.ts';

/** Mutable aggregate state (kept in one object per part per batch; never shared). */
export interface WindowState {
  count: number;
  sum: number;
  min: number;
  max: number;
  firstEventTime: number;
  lastEventTime: number;
  /** Events absorbed after the shard's max event time had passed the window end (within the allowed lateness). */
  lateCount: number;
  readonly sketch: Sketch;
}

/** What a reader sees of a window: the state's statistics, quantiles included. */
export interface WindowStatistics {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** `sum / count`; NaN when empty. */
  readonly mean: number;
  readonly firstEventTime: number;
  readonly lastEventTime: number;
  readonly lateCount: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** An empty state; min/max/first/last start at the identities of their merges. */
export function emptyWindowState(relativeAccuracy: number): WindowState {
  return {
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    firstEventTime: Number.POSITIVE_INFINITY,
    lastEventTime: Number.NEGATIVE_INFINITY,
    lateCount: 0,
    sketch: newSketch(relativeAccuracy),
  };
}

/** Adds one event. */
export function absorbValue(
  state: WindowState,
  value: number,
  eventTime: number,
  late: boolean,
): void {
  state.count += 1;
  state.sum += value;
  if (value < state.min) state.min = value;
  if (value > state.max) state.max = value;
  if (eventTime < state.firstEventTime) state.firstEventTime = eventTime;
  if (eventTime > state.lastEventTime) state.lastEventTime = eventTime;
  if (late) state.lateCount += 1;
  state.sketch.accept(value);
}

/** Merges `other` into `into` (count and sum add, min and max combine, sketches merge). */
export function mergeWindowState(into: WindowState, other: WindowState): void {
  if (other.count === 0) return;
  into.count += other.count;
  into.sum += other.sum;
  into.min = Math.min(into.min, other.min);
  into.max = Math.max(into.max, other.max);
  into.firstEventTime = Math.min(into.firstEventTime, other.firstEventTime);
  into.lastEventTime = Math.max(into.lastEventTime, other.lastEventTime);
  into.lateCount += other.lateCount;
  mergeSketch(into.sketch, other.sketch);
}

/** The statistics of a state, quantiles read from its sketch. */
export function windowStatistics(state: WindowState): WindowStatistics {
  return {
    count: state.count,
    sum: state.sum,
    min: state.min,
    max: state.max,
    mean: state.count === 0 ? Number.NaN : state.sum / state.count,
    firstEventTime: state.firstEventTime,
    lastEventTime: state.lastEventTime,
    lateCount: state.lateCount,
    p50: quantile(state.sketch, REPORTED_QUANTILES.p50),
    p90: quantile(state.sketch, REPORTED_QUANTILES.p90),
    p99: quantile(state.sketch, REPORTED_QUANTILES.p99),
  };
}
