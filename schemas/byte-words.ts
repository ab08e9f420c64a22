/**
 * Hashing and comparing short byte ranges four bytes at a time, for the hot paths that key maps
 * by the bytes of a string instead of making the string (interned keys, the processor's series).
 * A `DataView` read of 32 bits is one load once optimized, where a byte loop is four loads and
 * four loop turns; on short keys that is most of the cost of a lookup.
 */

/** A `DataView` over all of `bytes` (reads are unaligned-safe and little-endian here). */
export function wordsOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A 32-bit hash of `view[start, end)`, mixed into `seed` (FNV-1a's prime, a word at a time). */
export function hashWords(view: DataView, start: number, end: number, seed: number): number {
  let h = seed;
  let i = start;
  for (; i + 4 <= end; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 16777619);
  for (; i < end; i++) h = Math.imul(h ^ view.getUint8(i), 16777619);
  return h;
}

/** True when `a[aStart, aStart + length)` and `b[bStart, bStart + length)` hold the same bytes. */
export function sameWords(
  a: DataView,
  aStart: number,
  b: DataView,
  bStart: number,
  length: number,
): boolean {
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    if (a.getInt32(aStart + i, true) !== b.getInt32(bStart + i, true)) return false;
  }
  for (; i < length; i++) if (a.getUint8(aStart + i) !== b.getUint8(bStart + i)) return false;
  return true;
}
