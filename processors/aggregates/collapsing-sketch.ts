/**
 * A DDSketch with logarithmic mapping and collapsing-lowest dense stores: the behaviour of
 * `LogCollapsingLowestDenseDDSketch` of @datadog/sketches-js 2.1.1, with the stores of
 * `dense-store.ts`. The mapping's constants come from the library's own mapping object, so a
 * value gets the key the library gives it, bit for bit.
 *
 * Not kept: the library sketch's `min`, `max` and `sum` (nothing reads them: the window state
 * keeps its own, and the protobuf form has none).
 */

import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { CollapsingLowestDenseStore } from './dense-store.ts';

/** The library mapping's fields this code uses (`_multiplier` and `_offset` are not typed). */
interface LibraryMapping {
  readonly gamma: number;
  readonly minPossible: number;
  readonly _multiplier: number;
  readonly _offset: number;
  value(key: number): number;
}

/** The key mapping of one relative accuracy. */
export interface KeyMapping {
  readonly gamma: number;
  /** `_offset` of the library's mapping: 0 for every mapping made from a relative accuracy. */
  readonly indexOffset: number;
  readonly minPossible: number;
  readonly multiplier: number;
  /** The representative value of a key (the library's `mapping.value`). */
  value(key: number): number;
}

const mappings = new Map<number, KeyMapping>();

/**
 * The mapping of `relativeAccuracy`, built by the library once per accuracy.
 *
 * @throws {Error} as the library does, when the accuracy is not in (0, 1).
 */
function mappingOf(relativeAccuracy: number): KeyMapping {
  let mapping = mappings.get(relativeAccuracy);
  if (mapping === undefined) {
    const library = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy })
      .mapping as unknown as LibraryMapping;
    mapping = {
      gamma: library.gamma,
      indexOffset: library._offset,
      minPossible: library.minPossible,
      multiplier: library._multiplier,
      value: (key) => library.value(key),
    };
    mappings.set(relativeAccuracy, mapping);
  }
  return mapping;
}

/** A quantile sketch; see the module comment. */
export class CollapsingSketch {
  readonly mapping: KeyMapping;
  readonly store: CollapsingLowestDenseStore;
  readonly negativeStore: CollapsingLowestDenseStore;
  zeroCount = 0;
  count = 0;
  readonly #minPossible: number;
  readonly #multiplier: number;
  readonly #indexOffset: number;

  constructor(relativeAccuracy: number, binLimit: number) {
    this.mapping = mappingOf(relativeAccuracy);
    this.store = new CollapsingLowestDenseStore(binLimit);
    this.negativeStore = new CollapsingLowestDenseStore(binLimit);
    this.#minPossible = this.mapping.minPossible;
    this.#multiplier = this.mapping.multiplier;
    this.#indexOffset = this.mapping.indexOffset;
  }

  /** Adds one value (the library's `accept(value)`; NaN counts as a zero, as there). */
  accept(value: number): void {
    if (value > this.#minPossible) {
      this.store.add(Math.ceil(Math.log2(value) * this.#multiplier) + this.#indexOffset);
    } else if (value < -this.#minPossible) {
      this.negativeStore.add(Math.ceil(Math.log2(-value) * this.#multiplier) + this.#indexOffset);
    } else {
      this.zeroCount += 1;
    }
    this.count += 1;
  }

  /** The value at quantile `q` in [0, 1], NaN outside or when empty (as the library). */
  getValueAtQuantile(q: number): number {
    if (q < 0 || q > 1 || this.count === 0) return Number.NaN;
    const rank = q * (this.count - 1);
    const negative = this.negativeStore;
    if (rank < negative.count) {
      return -this.mapping.value(negative.keyAtRank(negative.count - rank - 1, false));
    }
    if (rank < this.zeroCount + negative.count) return 0;
    return this.mapping.value(this.store.keyAtRank(rank - this.zeroCount - negative.count, true));
  }

  /**
   * Merges `from` into this sketch. Unlike the library's `merge` (which, into a non-empty
   * sketch, leaves the negative store out), both stores are merged.
   *
   * @throws {Error} when the sketches have different accuracies, with the library's message.
   */
  merge(from: CollapsingSketch): void {
    if (this.mapping.gamma !== from.mapping.gamma) {
      throw new Error('Cannot merge two DDSketches with different `relativeAccuracy` parameters');
    }
    if (from.count === 0) return;
    if (this.count === 0) {
      this.store.copy(from.store);
      this.negativeStore.copy(from.negativeStore);
      this.zeroCount = from.zeroCount;
      this.count = from.count;
      return;
    }
    this.store.merge(from.store);
    this.zeroCount += from.zeroCount;
    this.count += from.count;
    this.negativeStore.merge(from.negativeStore);
  }
}
