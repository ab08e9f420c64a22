/**
 * Small integer ids for the series of one batch: a series is (shard, partition key, source,
 * metric), the part key without its window. The decoder gives every event its series id, so
 * that grouping events into parts compares integers, and a batch makes the source, metric and
 * partition-key strings once per series instead of once per event.
 *
 * Two ways to an id, one authority:
 * - by strings (`unitOf`, `idOf`): maps of maps. This is the definition: equal strings, one id.
 * - by bytes (`unitOfBytes`, `idOfBytes`), the hot path: the UTF-8 bytes as they lie in the
 *   record, looked up in a `ByteKeyTable`. A miss decodes the strings and asks the string path,
 *   so two byte sequences that decode to the same strings (invalid UTF-8 becomes U+FFFD) still
 *   share one id.
 *
 * A "unit" is the (shard, partition key) pair: the decoder finds it once per partition-key
 * table entry of a Kinesis record, so the per-event key is the unit plus the bytes of source
 * and metric.
 */

import type { SlicingBuffer } from '../../schemas/string-intern.ts';
import { ByteKeyTable } from './byte-key-table.ts';

/** The series of one batch and their ids. */
export class SeriesKeys {
  /** Per series id. */
  readonly sources: string[] = [];
  readonly metrics: string[] = [];
  readonly partitionKeys: string[] = [];
  readonly shardIds: string[] = [];

  // Shards by number (a batch is almost always one shard).
  readonly #shards: string[] = [];
  #lastShard = -1;
  // Units: shard -> partition key -> unit id; per unit its shard and key.
  readonly #units = new Map<string, Map<string, number>>();
  readonly #unitShards: string[] = [];
  readonly #unitKeys: string[] = [];
  readonly #unitBytes = new ByteKeyTable();
  // Series: unit -> source -> metric -> series id.
  readonly #byStrings: Map<string, Map<string, number>>[] = [];
  readonly #seriesBytes = new ByteKeyTable();
  // Per unit, the byte entry of its last series + 1 (0: none yet).
  #unitLast = new Int32Array(64);

  /** How many series the batch has. */
  get size(): number {
    return this.sources.length;
  }

  /** The number of a shard, for `unitOfBytes`. */
  shardNumber(shardId: string): number {
    const last = this.#lastShard;
    if (last >= 0 && this.#shards[last] === shardId) return last;
    let n = this.#shards.indexOf(shardId);
    if (n < 0) n = this.#shards.push(shardId) - 1;
    this.#lastShard = n;
    return n;
  }

  /** The id of the (shard, partition key) unit. */
  unitOf(shardId: string, partitionKey: string): number {
    let byKey = this.#units.get(shardId);
    if (byKey === undefined) {
      byKey = new Map();
      this.#units.set(shardId, byKey);
    }
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

  /**
   * The unit of shard `shard` (`shardNumber`) and the partition key whose UTF-8 bytes are
   * `buf[start, end)`; `view` is `wordsOf(buf)`.
   */
  unitOfBytes(shard: number, buf: Buffer, view: DataView, start: number, end: number): number {
    const table = this.#unitBytes;
    const entry = table.find(shard, view, start, end, end, end);
    if (entry >= 0) return table.value(entry);
    const key = (buf as SlicingBuffer).utf8Slice(start, end);
    const unit = this.unitOf(this.#shards[shard]!, key);
    table.insert(shard, unit, buf, start, end, end, end);
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
    const table = this.#seriesBytes;
    // A unit mostly carries one series (a partition key is a source): try its last one first.
    const last = this.#unitLast[unit]! - 1;
    if (last >= 0 && table.matches(last, view, sourceStart, sourceEnd, metricStart, metricEnd)) {
      return table.value(last);
    }
    let entry = table.find(unit, view, sourceStart, sourceEnd, metricStart, metricEnd);
    if (entry < 0) {
      const slicing = buf as SlicingBuffer;
      const id = this.idOf(
        unit,
        slicing.utf8Slice(sourceStart, sourceEnd),
        slicing.utf8Slice(metricStart, metricEnd),
      );
      entry = table.insert(unit, id, buf, sourceStart, sourceEnd, metricStart, metricEnd);
    }
    this.#unitLast[unit] = entry + 1;
    return table.value(entry);
  }
}
