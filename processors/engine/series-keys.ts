/**
 * Small integer ids for the series of one batch: a series is (shard, partition key, source,
 * metric), the part key without its window. The decoder gives every event its series id, so
 * that grouping events into parts compares integers, and a batch makes the source and metric
 * strings once per series instead of once per event.
 *
 * Two ways to a series, one authority:
 * - by strings (`idOf`): a map of maps. This is the definition: equal strings, one id.
 * - by bytes (`idOfBytes`), the hot path: the UTF-8 bytes of source and metric as they lie in
 *   the record, looked up in an open-addressing table whose entries keep a copy of the bytes in
 *   one arena. A miss decodes the strings and asks `idOf`, so two byte sequences that decode to
 *   the same strings (invalid UTF-8 becomes U+FFFD) still share one id.
 *
 * A "unit" is the (shard, partition key) pair, given an id once per partition-key table of a
 * Kinesis record (`unitOf`), so the per-event key is bytes plus one integer.
 */

import { hashWords, sameWords, wordsOf } from '../../schemas/byte-words.ts';
import type { SlicingBuffer } from '../../schemas/string-intern.ts';

const INITIAL_SLOTS = 1 << 12;
const INITIAL_ARENA = 1 << 14;

/** The series of one batch and their ids. */
export class SeriesKeys {
  /** Per series id. */
  readonly sources: string[] = [];
  readonly metrics: string[] = [];
  readonly partitionKeys: string[] = [];
  readonly shardIds: string[] = [];

  // Units: (shard, partition key) -> unit id.
  readonly #units = new Map<string, Map<string, number>>();
  #lastShard: string | undefined;
  #lastUnits: Map<string, number> | undefined;
  readonly #unitShards: string[] = [];
  readonly #unitKeys: string[] = [];
  // By strings: unit -> source -> metric -> series id.
  readonly #byStrings: Map<string, Map<string, number>>[] = [];
  // By bytes: slot -> entry + 1 (0: free); per entry its hash, unit, series and bytes.
  #slots = new Int32Array(INITIAL_SLOTS);
  #hashes = new Int32Array(INITIAL_SLOTS / 2);
  #entryUnits = new Int32Array(INITIAL_SLOTS / 2);
  #entrySeries = new Int32Array(INITIAL_SLOTS / 2);
  #offsets = new Int32Array(INITIAL_SLOTS / 2);
  #sourceLengths = new Int32Array(INITIAL_SLOTS / 2);
  #metricLengths = new Int32Array(INITIAL_SLOTS / 2);
  #entries = 0;
  #arena = new Uint8Array(INITIAL_ARENA);
  #arenaView = wordsOf(this.#arena);
  #arenaUsed = 0;
  // Per unit, its last series' entry + 1 (0: none yet).
  #unitLast = new Int32Array(64);

  /** How many series the batch has. */
  get size(): number {
    return this.sources.length;
  }

  /** The id of the (shard, partition key) unit. */
  unitOf(shardId: string, partitionKey: string): number {
    // A batch is almost always one shard: one lookup, not two.
    let byKey = shardId === this.#lastShard ? this.#lastUnits : this.#units.get(shardId);
    if (byKey === undefined) {
      byKey = new Map();
      this.#units.set(shardId, byKey);
    }
    this.#lastShard = shardId;
    this.#lastUnits = byKey;
    let unit = byKey.get(partitionKey);
    if (unit === undefined) {
      unit = this.#unitShards.length;
      byKey.set(partitionKey, unit);
      this.#unitShards.push(shardId);
      this.#unitKeys.push(partitionKey);
      this.#byStrings.push(new Map());
      if (unit === this.#unitLast.length) {
        const grown = new Int32Array(unit * 2);
        grown.set(this.#unitLast);
        this.#unitLast = grown;
      }
    }
    return unit;
  }

  /** The series of `unit` with these strings (created if new). */
  idOf(unit: number, source: string, metric: string): number {
    const bySource = this.#byStrings[unit]!;
    let byMetric = bySource.get(source);
    if (byMetric === undefined) {
      byMetric = new Map();
      bySource.set(source, byMetric);
    }
    let id = byMetric.get(metric);
    if (id === undefined) {
      id = this.sources.length;
      byMetric.set(metric, id);
      this.sources.push(source);
      this.metrics.push(metric);
      this.partitionKeys.push(this.#unitKeys[unit]!);
      this.shardIds.push(this.#unitShards[unit]!);
    }
    return id;
  }

  /**
   * The series of `unit` whose source and metric are the UTF-8 bytes `buf[sourceStart,
   * sourceEnd)` and `buf[metricStart, metricEnd)` (created if new); `view` is `wordsOf(buf)`.
   */
  idOfBytes(
    unit: number,
    buf: Buffer,
    view: DataView,
    sourceStart: number,
    sourceEnd: number,
    metricStart: number,
    metricEnd: number,
  ): number {
    const sourceLength = sourceEnd - sourceStart;
    const metricLength = metricEnd - metricStart;
    // A unit mostly carries one series (a partition key is a source): try its last one first.
    const last = this.#unitLast[unit]! - 1;
    if (
      last >= 0 &&
      this.#matches(last, view, sourceStart, sourceLength, metricStart, metricLength)
    ) {
      return this.#entrySeries[last]!;
    }
    // FNV-style over the source, a separator (the lengths are compared too), the metric and
    // the unit.
    let h = hashWords(view, sourceStart, sourceEnd, 0x811c9dc5);
    h = hashWords(view, metricStart, metricEnd, Math.imul(h ^ 0xff, 16777619));
    h = Math.imul(h ^ unit, 16777619);
    h ^= h >>> 15;
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = h & mask;
    for (let entry = slots[slot]! - 1; entry >= 0; entry = slots[slot]! - 1) {
      if (
        this.#hashes[entry] === h &&
        this.#entryUnits[entry] === unit &&
        this.#matches(entry, view, sourceStart, sourceLength, metricStart, metricLength)
      ) {
        this.#unitLast[unit] = entry + 1;
        return this.#entrySeries[entry]!;
      }
      slot = (slot + 1) & mask;
    }
    const slicing = buf as SlicingBuffer;
    const id = this.idOf(
      unit,
      slicing.utf8Slice(sourceStart, sourceEnd),
      slicing.utf8Slice(metricStart, metricEnd),
    );
    const entry = this.#insert(
      slot,
      h,
      unit,
      id,
      buf,
      sourceStart,
      sourceLength,
      metricStart,
      metricLength,
    );
    this.#unitLast[unit] = entry + 1;
    return id;
  }

  #matches(
    entry: number,
    view: DataView,
    sourceStart: number,
    sourceLength: number,
    metricStart: number,
    metricLength: number,
  ): boolean {
    const offset = this.#offsets[entry]!;
    return (
      this.#sourceLengths[entry] === sourceLength &&
      this.#metricLengths[entry] === metricLength &&
      sameWords(this.#arenaView, offset, view, sourceStart, sourceLength) &&
      sameWords(this.#arenaView, offset + sourceLength, view, metricStart, metricLength)
    );
  }

  #insert(
    slot: number,
    hash: number,
    unit: number,
    id: number,
    buf: Buffer,
    sourceStart: number,
    sourceLength: number,
    metricStart: number,
    metricLength: number,
  ): number {
    const entry = this.#entries++;
    if (entry === this.#hashes.length) this.#growEntries();
    const bytes = sourceLength + metricLength;
    if (this.#arenaUsed + bytes > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + bytes));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
      this.#arenaView = wordsOf(arena);
    }
    const offset = this.#arenaUsed;
    this.#arena.set(buf.subarray(sourceStart, sourceStart + sourceLength), offset);
    this.#arena.set(buf.subarray(metricStart, metricStart + metricLength), offset + sourceLength);
    this.#arenaUsed += bytes;
    this.#hashes[entry] = hash;
    this.#entryUnits[entry] = unit;
    this.#entrySeries[entry] = id;
    this.#offsets[entry] = offset;
    this.#sourceLengths[entry] = sourceLength;
    this.#metricLengths[entry] = metricLength;
    this.#slots[slot] = entry + 1;
    // Load at most 1/2: entries grow with the slots, and the table is rebuilt from the hashes.
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
    this.#entryUnits = grow(this.#entryUnits);
    this.#entrySeries = grow(this.#entrySeries);
    this.#offsets = grow(this.#offsets);
    this.#sourceLengths = grow(this.#sourceLengths);
    this.#metricLengths = grow(this.#metricLengths);
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
