/**
 * Kinesis sequence numbers are decimal strings of up to 128 bits: too large for a JS number, and
 * not comparable as strings unless they have the same length.
 */

/** Negative when `a` comes before `b` in the shard, positive when after, 0 when equal. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
