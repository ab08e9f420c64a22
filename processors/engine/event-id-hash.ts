/**
 * A 53-bit hash of an event id's UTF-8 bytes, held as a JavaScript number so that a part's
 * de-duplication horizon is 8 bytes an entry in the item and a typed array in memory.
 *
 * cyrb53's two multiply-xor lanes and final avalanche (public domain), fed four bytes a step
 * rather than one char code: the processor hashes an ASCII id (most are 36-character UUIDs)
 * straight from the record's bytes (`eventIdHashAt`), any other from its decoded string. Each
 * step is a bijection of each lane's state for a fixed word, so two ids of one length that
 * differ in one word never collide before the final mix; the byte length is mixed in first, so
 * trailing zero bytes change the hash too.
 *
 * Collision odds: with a horizon of H ids per part, a fresh id is wrongly taken for a duplicate
 * with probability H / 2^53 (2.3e-13 for H = 2,048), about one false drop in 4e12 events.
 */

import { wordsOf } from '../../schemas/byte-words.ts';

/** The hash of `id` (its UTF-8 bytes). */
export function eventIdHash(id: string, seed = 0): number {
  const bytes = Buffer.from(id, 'utf8');
  return hashWords(wordsOf(bytes), 0, bytes.length, seed, false);
}

/**
 * `eventIdHash` of the id whose bytes are `view[start, end)`, without making the string, or -1
 * (never a hash) when a byte is not ASCII: then the caller hashes the decoded string. Bytes that
 * are not valid UTF-8 decode to U+FFFD, so only ASCII bytes are sure to be the string's own.
 */
export function eventIdHashAt(view: DataView, start: number, end: number, seed = 0): number {
  return hashWords(view, start, end, seed, true);
}

function hashWords(
  view: DataView,
  start: number,
  end: number,
  seed: number,
  asciiOnly: boolean,
): number {
  let h1 = 0xdeadbeef ^ seed ^ (end - start);
  let h2 = 0x41c6ce57 ^ seed;
  let high = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word = view.getInt32(i, true);
    high |= word;
    h1 = Math.imul(h1 ^ word, 2654435761);
    h2 = Math.imul(h2 ^ word, 1597334677);
  }
  if (i < end) {
    let word = 0;
    for (let shift = 0; i < end; shift += 8) word |= view.getUint8(i++) << shift;
    high |= word;
    h1 = Math.imul(h1 ^ word, 2654435761);
    h2 = Math.imul(h2 ^ word, 1597334677);
  }
  if (asciiOnly && (high & 0x80808080) !== 0) return -1;
  let a = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  a ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  let b = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  b ^= Math.imul(a ^ (a >>> 13), 3266489909);
  return 4294967296 * (2097151 & b) + (a >>> 0);
}
