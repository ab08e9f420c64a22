/**
 * Interning of short ASCII strings read from bytes: the same bytes give the same string object,
 * without allocating one per read. Hot paths read a few hundred distinct sources, metrics and
 * partition keys over and over; interning saves the allocation, the GC copy of every batch's
 * survivors, and the hashing of each fresh string by the maps that group events.
 *
 * A direct-mapped table (a slot holds the last string that hashed to it) keeps memory bounded
 * whatever the cardinality: a miss only costs the allocation that interning would have saved.
 */

/** Node's unchecked slicers; absent from @types/node. */
export type SlicingBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
};

/** Longer strings are not interned: the keys are short, and the compare is per byte. */
const MAX_INTERNED_BYTES = 64;

/** A bounded intern table. */
export class StringInterner {
  readonly #slots: (string | undefined)[];
  readonly #mask: number;

  /** A table of `2^bits` slots (default 16,384). */
  constructor(bits = 14) {
    this.#slots = new Array(1 << bits);
    this.#mask = (1 << bits) - 1;
  }

  /** `buf.toString('utf8', start, end)`, the same object for the same ASCII bytes. */
  intern(buffer: Buffer, start: number, end: number): string {
    const buf = buffer as SlicingBuffer;
    const length = end - start;
    if (length > MAX_INTERNED_BYTES) return buf.utf8Slice(start, end);
    let h = 0x811c9dc5;
    let high = 0;
    for (let i = start; i < end; i++) {
      const byte = buf[i]!;
      high |= byte;
      h = Math.imul(h ^ byte, 16777619);
    }
    // Only ASCII: there a string's char codes are its bytes, so the compare below is exact.
    if (high & 0x80) return buf.utf8Slice(start, end);
    const slot = (h ^ (h >>> 15)) & this.#mask;
    const cached = this.#slots[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (cached.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const fresh = buf.latin1Slice(start, end);
    this.#slots[slot] = fresh;
    return fresh;
  }
}
