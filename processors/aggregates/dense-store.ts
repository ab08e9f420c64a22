/**
 * The bins of one side (positive or negative values) of a collapsing-lowest DDSketch: a port of
 * `CollapsingLowestDenseStore` of @datadog/sketches-js 2.1.1 onto a `Float64Array`, step for
 * step, so that the bins, their offset and every count come out exactly as the library's do
 * (the serialized sketch is persisted and must not change).
 *
 * Why a port: the library keeps bins in a JS array that it grows with `unshift.apply` and
 * `slice`, copies by spreading and decodes by pushing one bin at a time; for a processor that
 * decodes, copies and re-encodes 2,048 bins per part per batch, those were a large part of the
 * time. Here a copy or a decode is one `set`.
 *
 * What is kept on purpose, because the library does it and the bytes must match:
 * - `sumOfRange` includes its end index, so collapsing adds the bin at the end twice;
 * - `_extendRange(min, max || min)` in `merge` drops a `max` of 0 (the key of values near 1);
 * - a merge may then write past the end, which grows a JS array with holes: here the store
 *   grows and the new bins are NaN, which is what a hole is in every use the library makes
 *   of it (sums, `+=`, `writeDoubleLE`).
 */

import { allocDoubles } from './double-slab.ts';

const CHUNK_SIZE = 128;
const NO_BINS = new Float64Array(0);

/** One store of a sketch: `bins[i]` counts the values of key `offset + i`. */
export class CollapsingLowestDenseStore {
  /** The bins; `bins.length` is the library's `bins.length`. */
  bins: Float64Array = NO_BINS;
  count = 0;
  minKey = Number.POSITIVE_INFINITY;
  maxKey = Number.NEGATIVE_INFINITY;
  offset = 0;
  isCollapsed = false;
  readonly binLimit: number;

  constructor(binLimit: number) {
    this.binLimit = binLimit;
  }

  /** Counts one value of key `key` (the library's `add(key, 1)`). */
  add(key: number): void {
    const index = this.#index(key);
    this.#addAt(index, 1);
    this.count += 1;
  }

  /** The key at `rank`, as the library's `keyAtRank`. */
  keyAtRank(rank: number, lower: boolean): number {
    const { bins } = this;
    let running = 0;
    for (let i = 0; i < bins.length; i++) {
      running += bins[i]!;
      if ((lower && running > rank) || (!lower && running >= rank + 1)) return i + this.offset;
    }
    return this.maxKey;
  }

  /** Merges `store` into this one, as the library's `merge`. */
  merge(store: CollapsingLowestDenseStore): void {
    if (store.count === 0) return;
    if (this.count === 0) {
      this.copy(store);
      return;
    }
    if (store.minKey < this.minKey || store.maxKey > this.maxKey) {
      this.#extendRange(store.minKey, store.maxKey || store.minKey);
    }
    const collapseStart = store.minKey - store.offset;
    let collapseEnd = Math.min(this.minKey, store.maxKey + 1) - store.offset;
    if (collapseEnd > collapseStart) {
      this.#addAt(0, sumOfRange(store.bins, collapseStart, collapseEnd));
    } else {
      collapseEnd = collapseStart;
    }
    for (let key = collapseEnd + store.offset; key < store.maxKey + 1; key++) {
      this.#addAt(key - this.offset, store.bins[key - store.offset] as number);
    }
    this.count += store.count;
  }

  /** Makes this store a copy of `store`. */
  copy(store: CollapsingLowestDenseStore): void {
    this.bins = allocDoubles(store.bins.length);
    this.bins.set(store.bins);
    this.count = store.count;
    this.minKey = store.minKey;
    this.maxKey = store.maxKey;
    this.offset = store.offset;
    this.isCollapsed = store.isCollapsed;
  }

  /** `bins[index] += weight` with a JS array's semantics past the end (holes read as NaN). */
  #addAt(index: number, weight: number): void {
    if (index >= this.bins.length) {
      const grown = allocDoubles(index + 1).fill(Number.NaN);
      grown.set(this.bins);
      this.bins = grown;
    }
    this.bins[index] = (this.bins[index] as number) + weight;
  }

  #index(key: number): number {
    if (key < this.minKey) {
      if (this.isCollapsed) return 0;
      this.#extendRange(key, key);
      if (this.isCollapsed) return 0;
    } else if (key > this.maxKey) {
      this.#extendRange(key, key);
    }
    return key - this.offset;
  }

  #newLength(newMinKey: number, newMaxKey: number): number {
    const desired = newMaxKey - newMinKey + 1;
    return Math.min(CHUNK_SIZE * Math.ceil(desired / CHUNK_SIZE), this.binLimit);
  }

  #extendRange(key: number, secondKey: number): void {
    const newMinKey = Math.min(key, secondKey, this.minKey);
    const newMaxKey = Math.max(key, secondKey, this.maxKey);
    if (this.bins.length === 0) {
      this.bins = allocDoubles(arrayLength(this.#newLength(newMinKey, newMaxKey)));
      this.offset = newMinKey;
      this.#adjust(newMinKey, newMaxKey);
    } else if (newMinKey >= this.minKey && newMaxKey < this.offset + this.bins.length) {
      this.minKey = newMinKey;
      this.maxKey = newMaxKey;
    } else {
      const newLength = this.#newLength(newMinKey, newMaxKey);
      if (newLength > this.bins.length) {
        const grown = allocDoubles(arrayLength(newLength));
        grown.set(this.bins);
        this.bins = grown;
      }
      this.#adjust(newMinKey, newMaxKey);
    }
  }

  #adjust(minKey: number, newMaxKey: number): void {
    const { bins } = this;
    if (newMaxKey - minKey + 1 > bins.length) {
      // The range is too wide: the lowest bins are collapsed.
      const newMinKey = newMaxKey - bins.length + 1;
      if (newMinKey >= this.maxKey) {
        this.offset = newMinKey;
        this.minKey = newMinKey;
        bins.fill(0);
        bins[0] = this.count;
      } else {
        const shift = this.offset - newMinKey;
        if (shift < 0) {
          const collapseStart = this.minKey - this.offset;
          const collapseEnd = newMinKey - this.offset;
          const collapsed = sumOfRange(bins, collapseStart, collapseEnd);
          bins.fill(0, collapseStart, collapseEnd);
          bins[collapseEnd] = (bins[collapseEnd] as number) + collapsed;
        }
        this.minKey = newMinKey;
        this.#shiftBins(shift);
      }
      this.maxKey = newMaxKey;
      this.isCollapsed = true;
    } else {
      const middleKey = minKey + Math.floor((newMaxKey - minKey + 1) / 2);
      this.#shiftBins(Math.floor(this.offset + bins.length / 2) - middleKey);
      this.minKey = minKey;
      this.maxKey = newMaxKey;
    }
  }

  /**
   * The library's `_shiftBins`: `shift > 0` is `zeros(shift) ++ bins.slice(0, -shift)`, else
   * `bins.slice(-shift) ++ zeros(-shift)`; a shift wider than the bins leaves `|shift|` bins.
   */
  #shiftBins(shift: number): void {
    const { bins } = this;
    const length = bins.length;
    const by = Math.abs(shift);
    const kept = Math.max(0, length - by);
    if (kept + by === length) {
      if (shift > 0) {
        bins.copyWithin(shift, 0, kept);
        bins.fill(0, 0, shift);
      } else if (by > 0) {
        bins.copyWithin(0, by);
        bins.fill(0, kept);
      }
    } else {
      // Only when |shift| > length: nothing is kept.
      this.bins = allocDoubles(arrayLength(by));
    }
    this.offset -= shift;
  }
}

/** The library's `sumOfRange`: `end` included, past-the-end bins read as NaN. */
function sumOfRange(bins: Float64Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i <= end; i++) sum += bins[i] as number;
  return sum;
}

/** `n` as `new Array(n)` accepts it, or the RangeError it throws. */
function arrayLength(n: number): number {
  if (!(Number.isInteger(n) && n >= 0 && n < 2 ** 32)) throw new RangeError('Invalid array length');
  return n;
}
