/**
 * The quantile sketch of a window: DDSketch (`@datadog/sketches-js`), mergeable across parts
 * and batches, with a relative-error guarantee: every quantile it returns is within
 * `relativeAccuracy` x |true value| of a value of the exact quantile's rank (Masson et al.,
 * "DDSketch", VLDB 2019). The bound holds for any mix of positive, zero and negative values.
 *
 * `LogCollapsingLowestDenseDDSketch` caps the bins (2,048 by default, each a few bytes in the
 * protobuf), so an item never outgrows DynamoDB's 400 KB whatever the value range; collapsing
 * only ever touches the lowest bins, far below p50.
 */

import { DDSketch, LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';

/** The quantiles every window reports. */
export const REPORTED_QUANTILES = { p50: 0.5, p90: 0.9, p99: 0.99 } as const;

/** Default relative accuracy: 1 %. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;

/** The sketch type the pipeline uses. */
export type Sketch = DDSketch;

/** A new empty sketch. */
export function newSketch(relativeAccuracy: number): Sketch {
  return new LogCollapsingLowestDenseDDSketch({ relativeAccuracy, binLimit: 2048 });
}

/** Compact protobuf form (the DDSketch wire format shared with Datadog's other libraries). */
export function serializeSketch(sketch: Sketch): Uint8Array {
  return sketch.toProto();
}

/**
 * The sketch back from its protobuf form, re-created as a collapsing sketch so that merging more
 * values into it keeps the bin cap (`fromProto` yields an unbounded `DDSketch`).
 */
export function deserializeSketch(bytes: Uint8Array, relativeAccuracy: number): Sketch {
  const sketch = newSketch(relativeAccuracy);
  mergeSketch(sketch, DDSketch.fromProto(bytes));
  return sketch;
}

/**
 * Merges `from` into `into`. Use this, not `DDSketch.merge`: in @datadog/sketches-js 2.1.1,
 * `merge` into a non-empty sketch merges the positive store and the counts but not the
 * negative store, so negative values vanish from the quantiles (found by the processor's
 * property test). The store's own `merge` is correct, so the missing half is done here.
 */
export function mergeSketch(into: Sketch, from: Sketch): void {
  const intoWasEmpty = into.count === 0;
  into.merge(from);
  if (!intoWasEmpty && from.count > 0) into.negativeStore.merge(from.negativeStore);
}

/** The value at quantile `q`, or NaN for an empty sketch. */
export function quantile(sketch: Sketch, q: number): number {
  return sketch.count === 0 ? Number.NaN : sketch.getValueAtQuantile(q);
}
