/**
 * An open-addressing table from (an integer tag, two byte ranges) to an integer value, for keys
 * read straight from record bytes: the processor's series (unit, source bytes, metric bytes) and
 * units (shard, partition-key bytes). Each entry keeps a copy of its key bytes in one arena, so
 * a lookup hashes and compares four bytes at a time (`byte-words.ts`) and touches no string.
 *
 * It only maps bytes: what two different byte keys mean (two spellings of one string) is for
 * the caller to decide when it inserts.
 */

import { hashWords, sameWords, wordsOf } from '../../schemas/byte-words.ts';

const INITIAL_SLOTS = 1 << 12;
const INITIAL_ARENA = 1 << 14;

/** Bytes `[aStart, aEnd)` then `[bStart, bEnd)` of one buffer, under a tag. */
export class ByteKeyTable {
  // Slot -> entry + 1 (0: free). Per entry: hash, tag, value, where its bytes are, their lengths.
  #slots = new Int32Array(INITIAL_SLOTS);
  #hashes = new Int32Array(INITIAL_SLOTS / 2);
  #tags = new Int32Array(INITIAL_SLOTS / 2);
  #values = new Int32Array(INITIAL_SLOTS / 2);
  #offsets = new Int32Array(INITIAL_SLOTS / 2);
  #aLengths = new Int32Array(INITIAL_SLOTS / 2);
  #bLengths = new Int32Array(INITIAL_SLOTS / 2);
  #entries = 0;
  #arena = new Uint8Array(INITIAL_ARENA);
  #arenaView = wordsOf(this.#arena);
  #arenaUsed = 0;
  // Where the last failed lookup ended, for the insert that follows it.
  #missSlot = 0;
  #missHash = 0;

  /**
   * The entry of the key, or -1 (then `insert` adds it). `view` is `wordsOf` the key's buffer.
   */
  find(
    tag: number,
    view: DataView,
    aStart: number,
    aEnd: number,
    bStart: number,
    bEnd: number,
  ): number {
    let h = hashWords(view, aStart, aEnd, 0x811c9dc5 ^ tag);
    // A separator, so that bytes moving from one range to the other change the hash (the
    // lengths are compared too).
    h = hashWords(view, bStart, bEnd, Math.imul(h ^ 0xff, 16777619));
    h ^= h >>> 15;
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = h & mask;
    for (let entry = slots[slot]! - 1; entry >= 0; entry = slots[slot]! - 1) {
      if (
        this.#hashes[entry] === h &&
        this.#tags[entry] === tag &&
        this.matches(entry, view, aStart, aEnd, bStart, bEnd)
      ) {
        return entry;
      }
      slot = (slot + 1) & mask;
    }
    this.#missSlot = slot;
    this.#missHash = h;
    return -1;
  }

  /** True when `entry` holds exactly these key bytes (its tag not compared). */
  matches(
    entry: number,
    view: DataView,
    aStart: number,
    aEnd: number,
    bStart: number,
    bEnd: number,
  ): boolean {
    const offset = this.#offsets[entry]!;
    const aLength = aEnd - aStart;
    return (
      this.#aLengths[entry] === aLength &&
      this.#bLengths[entry] === bEnd - bStart &&
      sameWords(this.#arenaView, offset, view, aStart, aLength) &&
      sameWords(this.#arenaView, offset + aLength, view, bStart, bEnd - bStart)
    );
  }

  /** The value of `entry`. */
  value(entry: number): number {
    return this.#values[entry]!;
  }

  /** Adds the key of the `find` that just returned -1; returns its entry. */
  insert(
    tag: number,
    value: number,
    buf: Uint8Array,
    aStart: number,
    aEnd: number,
    bStart: number,
    bEnd: number,
  ): number {
    const entry = this.#entries++;
    if (entry === this.#hashes.length) this.#growEntries();
    const aLength = aEnd - aStart;
    const bytes = aLength + bEnd - bStart;
    if (this.#arenaUsed + bytes > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + bytes));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
      this.#arenaView = wordsOf(arena);
    }
    const offset = this.#arenaUsed;
    this.#arena.set(buf.subarray(aStart, aEnd), offset);
    this.#arena.set(buf.subarray(bStart, bEnd), offset + aLength);
    this.#arenaUsed += bytes;
    this.#hashes[entry] = this.#missHash;
    this.#tags[entry] = tag;
    this.#values[entry] = value;
    this.#offsets[entry] = offset;
    this.#aLengths[entry] = aLength;
    this.#bLengths[entry] = bEnd - bStart;
    this.#slots[this.#missSlot] = entry + 1;
    // Load at most 1/2: the slots double and are rebuilt from the entries' hashes.
    if (this.#entries * 2 > this.#slots.length) this.#rehash();
    return entry;
  }

  #growEntries(): void {
    const grow = (from: Int32Array) => {
      const to = new Int32Array(from.length * 2);
      to.set(from);
      return to;
    };
    this.#hashes = grow(this.#hashes);
    this.#tags = grow(this.#tags);
    this.#values = grow(this.#values);
    this.#offsets = grow(this.#offsets);
    this.#aLengths = grow(this.#aLengths);
    this.#bLengths = grow(this.#bLengths);
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.#entries; entry++) {
      let slot = this.#hashes[entry]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.#slots = slots;
  }
}
