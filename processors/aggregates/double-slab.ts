/**
 * `Float64Array`s carved out of shared 256 KiB buffers, for the arrays a processor makes per
 * part per batch (a decoded sketch's bins, a decoded horizon: 16 KiB each at 2,048 entries).
 *
 * Why: V8 gives every `new Float64Array(n)` above 64 bytes its own `ArrayBuffer`, which costs
 * about 2 us whatever `n` (allocation, external-memory accounting, and the GC that accounting
 * triggers): more than copying the 16 KiB into it. A view on a shared buffer costs about 0.1 us.
 *
 * The cost: a buffer lives as long as any of its views. Parts are short-lived (read, absorbed,
 * written, dropped per chunk), so at most a few buffers outlive their batch.
 */

const SLAB_BYTES = 256 * 1024;
/** Larger arrays get their own buffer: a slab would hold few of them. */
const MAX_SLAB_DOUBLES = SLAB_BYTES / 8 / 4;

let slab = new ArrayBuffer(0);
let used = 0;

/** A zero-filled `Float64Array` of `length` (which may share its `buffer`: use `byteOffset`). */
export function allocDoubles(length: number): Float64Array {
  if (length > MAX_SLAB_DOUBLES) return new Float64Array(length);
  const bytes = length * 8;
  if (used + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Float64Array(slab, used, length);
  used += bytes;
  return out;
}
