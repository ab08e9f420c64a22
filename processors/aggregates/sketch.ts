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

import { DDSketch } from '@datadog/sketches-js';
import { CollapsingSketch } from './collapsing-sketch.ts';
import type { CollapsingLowestDenseStore } from './dense-store.ts';
import { type ProtoBins, readSketchProto, writeSketchProto } from './sketch-proto.ts';

/** The bin cap of every sketch (the library's default, named here because decoding checks it). */
const BIN_LIMIT = 2048;

/** The quantiles every window reports. */
export const REPORTED_QUANTILES = { p50: 0.5, p90: 0.9, p99: 0.99 } as const;

/** Default relative accuracy: 1 %. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;

/**
 * The sketch type the pipeline uses: `LogCollapsingLowestDenseDDSketch`'s behaviour over typed
 * arrays (`collapsing-sketch.ts`), so that decoding, copying and encoding bins are copies.
 */
export type Sketch = CollapsingSketch;

/** A new empty sketch. */
export function newSketch(relativeAccuracy: number): Sketch {
  return new CollapsingSketch(relativeAccuracy, BIN_LIMIT);
}

/**
 * Compact protobuf form (the DDSketch wire format shared with Datadog's other libraries), the
 * bytes the library's `toProto()` gives for the same values, written without protobufjs (see
 * `sketch-proto.ts`).
 */
export function serializeSketch(sketch: Sketch): Uint8Array {
  return writeSketchProto({
    gamma: sketch.mapping.gamma,
    indexOffset: sketch.mapping.indexOffset,
    // `Interpolation.NONE`: the logarithmic mapping's.
    interpolation: 0,
    positive: sketch.store,
    negative: sketch.negativeStore,
    zeroCount: sketch.zeroCount,
  });
}

/**
 * The sketch back from its protobuf form, as a collapsing sketch so that merging more values
 * into it keeps the bin cap (`fromProto` yields an unbounded `DDSketch`).
 *
 * Why not `mergeSketch(newSketch(), DDSketch.fromProto(bytes))` (still the path for a sketch this
 * code did not write): `fromProto` adds the bins one by one, re-centring its array every 128, and
 * the merge copies them again; a processor decodes a part's sketch on every batch. Here the bins
 * go into the stores as they are, with the same range (`minKey`, `maxKey`) and count
 * `fromProto` then `merge` would give, so the sketch behaves the same from then on.
 */
export function deserializeSketch(bytes: Uint8Array, relativeAccuracy: number): Sketch {
  const sketch = newSketch(relativeAccuracy);
  const decoded = readSketchProto(bytes);
  if (
    decoded === undefined ||
    decoded.gamma !== sketch.mapping.gamma ||
    decoded.positive.bins.length > BIN_LIMIT ||
    decoded.negative.bins.length > BIN_LIMIT
  ) {
    mergeLibrarySketch(sketch, DDSketch.fromProto(bytes));
    return sketch;
  }
  const { zeroCount } = decoded;
  const count =
    fillStore(sketch.store, decoded.positive) +
    fillStore(sketch.negativeStore, decoded.negative) +
    zeroCount;
  // As `merge` into an empty sketch leaves them: `fromProto` keeps no min, max or sum.
  if (count > 0) {
    sketch.zeroCount = zeroCount;
    sketch.count = count;
  }
  return sketch;
}

/** Puts the bins of `from` into the empty `into`; returns their total count. */
function fillStore(into: CollapsingLowestDenseStore, from: ProtoBins<Float64Array>): number {
  const { bins } = from;
  const count = sumInOrder(bins);
  // An empty store stays as built: `merge` skips a store whose count is 0.
  if (count === 0) return 0;
  // The decoded array is this sketch's own: no copy.
  into.bins = bins;
  into.count = count;
  into.offset = from.offset;
  into.minKey = from.offset;
  into.maxKey = from.offset + bins.length - 1;
  return count;
}

/**
 * `bins[0] + bins[1] + ...` added left to right, as the library's count is. Four running sums
 * when every bin is a non-negative integer and the total stays below 2^53: then every partial
 * sum is an integer that a double holds exactly, so any order gives the same number, and the
 * four chains of additions run in parallel (one chain of 2,048 dependent additions was most of
 * a decoded sketch's time). Anything else (a fraction, a NaN from a hole) is added in order.
 */
function sumInOrder(bins: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let exact = true;
  const n = bins.length - (bins.length % 4);
  for (let i = 0; i < n; i += 4) {
    const a = bins[i]!;
    const b = bins[i + 1]!;
    const c = bins[i + 2]!;
    const d = bins[i + 3]!;
    s0 += a;
    s1 += b;
    s2 += c;
    s3 += d;
    exact = exact && a >= 0 && b >= 0 && c >= 0 && d >= 0;
    exact = exact && a === Math.floor(a) && b === Math.floor(b);
    exact = exact && c === Math.floor(c) && d === Math.floor(d);
  }
  let sum = s0 + s1 + s2 + s3;
  for (let i = n; i < bins.length; i++) {
    const a = bins[i]!;
    sum += a;
    exact = exact && a >= 0 && a === Math.floor(a);
  }
  if (exact && sum <= Number.MAX_SAFE_INTEGER) return sum;
  let ordered = 0;
  for (let i = 0; i < bins.length; i++) ordered += bins[i]!;
  return ordered;
}

/** The library's fields of a `DenseStore` (`isCollapsed` only on collapsing ones). */
interface LibraryStore {
  readonly bins: number[];
  readonly count: number;
  readonly minKey: number;
  readonly maxKey: number;
  readonly offset: number;
  readonly isCollapsed?: boolean;
}

/** `mergeSketch(into, from)` for a library sketch `from` and an empty `into`. */
function mergeLibrarySketch(into: Sketch, from: DDSketch): void {
  if (from.mapping.gamma !== into.mapping.gamma) {
    throw new Error('Cannot merge two DDSketches with different `relativeAccuracy` parameters');
  }
  if (from.count === 0) return;
  copyLibraryStore(into.store, from.store as unknown as LibraryStore);
  copyLibraryStore(into.negativeStore, from.negativeStore as unknown as LibraryStore);
  into.zeroCount = from.zeroCount;
  into.count = from.count;
}

/** The library's `store.copy(from)` (a spread: holes read as undefined, NaN here). */
function copyLibraryStore(into: CollapsingLowestDenseStore, from: LibraryStore): void {
  into.bins = Float64Array.from(from.bins);
  into.count = from.count;
  into.minKey = from.minKey;
  into.maxKey = from.maxKey;
  into.offset = from.offset;
  into.isCollapsed = from.isCollapsed === true;
}

/**
 * Merges `from` into `into`, both stores. (In @datadog/sketches-js 2.1.1, `merge` into a
 * non-empty sketch merges the positive store and the counts but not the negative store, so
 * negative values vanished from the quantiles; found by the processor's property test.)
 */
export function mergeSketch(into: Sketch, from: Sketch): void {
  into.merge(from);
}

/**
 * What `mergeSketch(newSketch(relativeAccuracy), from)` gives, without the copy: `from` itself,
 * which the caller owns and must not use again (or a new sketch when `from` is empty, as the
 * merge would leave it).
 *
 * @throws {Error} as `mergeSketch` when `from` has another relative accuracy.
 */
export function adoptSketch(from: Sketch, relativeAccuracy: number): Sketch {
  const into = newSketch(relativeAccuracy);
  if (from.count === 0 || into.mapping.gamma !== from.mapping.gamma) {
    mergeSketch(into, from);
    return into;
  }
  return from;
}

/** The value at quantile `q`, or NaN for an empty sketch. */
export function quantile(sketch: Sketch, q: number): number {
  return sketch.count === 0 ? Number.NaN : sketch.getValueAtQuantile(q);
}
