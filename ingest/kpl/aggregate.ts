/**
 * KPL aggregation: many user records packed into one Kinesis record, byte for byte what awslabs'
 * `aws-kinesis-agg` writes for the same records (a test checks it), but with exact sizes in UTF-8
 * bytes (the library counts partition keys in UTF-16 units) and without protobufjs.
 *
 * Each user record is written, framing and data, into a record area the aggregator keeps
 * (reused after each build); a `RecordWriter` can encode straight into it, so an Avro record is
 * written once and copied once, with the whole area, when the aggregated record is built behind
 * its key tables. No per-record Buffer, array entry or object.
 */

import { hash } from 'node:crypto';
import { BYTES_WRITER, type RecordWriter } from '../record-writer.ts';
import {
  KPL_CHECKSUM_BYTES,
  KPL_MAGIC,
  KPL_OVERHEAD_BYTES,
  TAG,
  varintSize,
  writeVarint,
} from './format.ts';

/** One Kinesis record holding aggregated user records. */
export interface AggregatedRecord {
  /** Kinesis-level partition key: the first user record's, as the KPL and `aws-kinesis-agg` do. */
  readonly partitionKey: string;
  /** Kinesis-level explicit hash key, when the caller chose one. */
  readonly explicitHashKey: string | undefined;
  /** Magic, protobuf, MD5. */
  readonly data: Buffer;
  /** How many user records it holds. */
  readonly userRecordCount: number;
  /** What Kinesis counts against its limits: data plus partition key, in bytes. */
  readonly bytes: number;
}

/** Options of {@link KplAggregator}. */
export interface KplAggregatorOptions {
  /**
   * Largest Kinesis record to build, data plus Kinesis-level partition key, in bytes. At most
   * the Kinesis record limit of 1 MiB.
   */
  readonly maxRecordBytes: number;
}

/** First size of the record area; it doubles as needed, up to about `maxRecordBytes`. */
const INITIAL_AREA_BYTES = 4096;

// Local copies of the format constants: they are read per user record, and under a CommonJS-style
// loader (tsx, vitest) every read of an imported binding is a getter call.
const OVERHEAD = KPL_OVERHEAD_BYTES;
const TAG_RECORDS = TAG.records;
const TAG_PK_INDEX = TAG.partitionKeyIndex;
const TAG_EHK_INDEX = TAG.explicitHashKeyIndex;
const TAG_DATA = TAG.data;
const sizeOfVarint = varintSize;
const putVarint = writeVarint;

/**
 * Accumulates user records for one destination (one shard) and builds the aggregated record.
 *
 * @example
 * ```ts
 * const agg = new KplAggregator({ maxRecordBytes: 64 * 1024 });
 * if (!agg.tryAdd('sensor-1', bytes)) { emit(agg.build()); agg.tryAdd('sensor-1', bytes); }
 * // or encode in place: agg.tryAddWith('sensor-1', uncheckedTelemetryWriter(), event)
 * ```
 */
export class KplAggregator {
  readonly #maxRecordBytes: number;
  #pkIndex = new Map<string, number>();
  #pkTable: string[] = [];
  #pkBytes: number[] = [];
  #ehkIndex = new Map<string, number>();
  #ehkTable: string[] = [];
  /** The `records` fields of the protobuf message, one after the other. */
  #area: Buffer = Buffer.allocUnsafe(INITIAL_AREA_BYTES);
  #areaBytes = 0;
  #count = 0;
  /** Where the first user record's data lies in the area, to send it alone. */
  #firstStart = 0;
  #firstEnd = 0;
  /** Size of the protobuf message so far. */
  #protoBytes = 0;

  constructor(options: KplAggregatorOptions) {
    this.#maxRecordBytes = options.maxRecordBytes;
  }

  /** Number of user records held. */
  get count(): number {
    return this.#count;
  }

  /** Size the built record would have now (data plus Kinesis partition key), 0 when empty. */
  get sizeBytes(): number {
    if (this.#count === 0) return 0;
    return OVERHEAD + this.#protoBytes + this.#pkBytes[0]!;
  }

  /**
   * Adds a user record if the aggregated record stays within `maxRecordBytes`; returns false
   * (and changes nothing) otherwise. On an empty aggregator, false means the record cannot be
   * aggregated at all; send it as a plain record.
   *
   * @param partitionKeyBytes UTF-8 length of `partitionKey`, when the caller knows it already.
   */
  tryAdd(
    partitionKey: string,
    data: Uint8Array,
    explicitHashKey?: string,
    partitionKeyBytes?: number,
  ): boolean {
    return this.tryAddWith(partitionKey, BYTES_WRITER, data, explicitHashKey, partitionKeyBytes);
  }

  /**
   * {@link tryAdd} of the bytes `writer` writes for `value`, written in place. A refused record
   * leaves the aggregator as it was (its bytes were written past the records held).
   */
  tryAddWith<T>(
    partitionKey: string,
    writer: RecordWriter<T>,
    value: T,
    explicitHashKey?: string,
    partitionKeyBytes?: number,
  ): boolean {
    const knownPk = this.#pkIndex.get(partitionKey);
    const pkIndex = knownPk ?? this.#pkTable.length;
    let tables = 0;
    let pkBytes = 0;
    if (knownPk === undefined) {
      pkBytes = partitionKeyBytes ?? Buffer.byteLength(partitionKey, 'utf8');
      tables += 1 + sizeOfVarint(pkBytes) + pkBytes;
    }
    let ehkIndex = -1;
    if (explicitHashKey !== undefined) {
      const knownEhk = this.#ehkIndex.get(explicitHashKey);
      ehkIndex = knownEhk ?? this.#ehkTable.length;
      // Decimal digits only: one byte each.
      if (knownEhk === undefined)
        tables += 1 + sizeOfVarint(explicitHashKey.length) + explicitHashKey.length;
    }
    // The Record fields before the data's length: partition key index, explicit hash key index.
    const indexes = 2 + sizeOfVarint(pkIndex) + (ehkIndex >= 0 ? 1 + sizeOfVarint(ehkIndex) : 0);
    // Write the data first, after the shortest framing (one-byte lengths); move it if longer.
    const start = this.#areaBytes;
    const guess = 1 + 1 + indexes + 1;
    let end = writer.writeInto(value, this.#area, start + guess);
    if (end < 0) {
      this.#grow(start + guess - end, start);
      end = writer.writeInto(value, this.#area, start + guess);
      if (end < 0) throw new RangeError(`KplAggregator: ${-end} bytes short after growing`);
    }
    if (end < start + guess) {
      throw new RangeError(`KplAggregator: the writer ended at ${end}, before ${start + guess}`);
    }
    const dataBytes = end - start - guess;
    const dataLengthBytes = sizeOfVarint(dataBytes);
    const inner = indexes + dataLengthBytes + dataBytes;
    const framing = 1 + sizeOfVarint(inner) + indexes + dataLengthBytes;
    const growth = tables + framing + dataBytes;
    const firstPkBytes = this.#count === 0 ? pkBytes : this.#pkBytes[0]!;
    if (OVERHEAD + this.#protoBytes + growth + firstPkBytes > this.#maxRecordBytes) return false;
    if (framing !== guess) {
      if (start + framing + dataBytes > this.#area.length)
        this.#grow(start + framing + dataBytes, end);
      this.#area.copyWithin(start + framing, start + guess, end);
    }
    const area = this.#area;
    let o = start;
    area[o++] = TAG_RECORDS;
    o = putVarint(area, o, inner);
    area[o++] = TAG_PK_INDEX;
    o = putVarint(area, o, pkIndex);
    if (ehkIndex >= 0) {
      area[o++] = TAG_EHK_INDEX;
      o = putVarint(area, o, ehkIndex);
    }
    area[o++] = TAG_DATA;
    o = putVarint(area, o, dataBytes);
    if (this.#count === 0) {
      this.#firstStart = o;
      this.#firstEnd = o + dataBytes;
    }
    if (knownPk === undefined) {
      this.#pkIndex.set(partitionKey, pkIndex);
      this.#pkTable.push(partitionKey);
      this.#pkBytes.push(pkBytes);
    }
    if (explicitHashKey !== undefined && ehkIndex === this.#ehkTable.length) {
      this.#ehkIndex.set(explicitHashKey, ehkIndex);
      this.#ehkTable.push(explicitHashKey);
    }
    this.#areaBytes = o + dataBytes;
    this.#count++;
    this.#protoBytes += growth;
    return true;
  }

  /** A copy of the first user record's data (what to send when it stays alone). */
  firstData(): Buffer {
    if (this.#count === 0) throw new RangeError('KplAggregator.firstData: no user records');
    return Buffer.from(this.#area.subarray(this.#firstStart, this.#firstEnd));
  }

  /**
   * Builds the aggregated record from what was added and empties the aggregator.
   * @param explicitHashKey Kinesis-level explicit hash key to route the record with.
   */
  build(explicitHashKey?: string): AggregatedRecord {
    const count = this.#count;
    if (count === 0) throw new RangeError('KplAggregator.build: no user records were added');
    const out = Buffer.allocUnsafe(OVERHEAD + this.#protoBytes);
    out.set(KPL_MAGIC, 0);
    let o = KPL_MAGIC.length;
    for (let i = 0; i < this.#pkTable.length; i++) {
      out[o++] = TAG.partitionKeyTable;
      o = putVarint(out, o, this.#pkBytes[i]!);
      o += out.write(this.#pkTable[i]!, o, 'utf8');
    }
    for (const ehk of this.#ehkTable) {
      out[o++] = TAG.explicitHashKeyTable;
      o = putVarint(out, o, ehk.length);
      o += out.write(ehk, o, 'latin1');
    }
    o += this.#area.copy(out, o, 0, this.#areaBytes);
    const digest = hash('md5', out.subarray(KPL_MAGIC.length, o), 'buffer') as unknown as Buffer;
    out.set(digest, o);
    if (o + KPL_CHECKSUM_BYTES !== out.length) {
      // A size computation out of step with the writer would corrupt records silently.
      throw new RangeError(
        `KplAggregator: wrote ${o + KPL_CHECKSUM_BYTES} bytes, sized ${out.length}`,
      );
    }
    const partitionKey = this.#pkTable[0]!;
    const record: AggregatedRecord = {
      partitionKey,
      explicitHashKey,
      data: out,
      userRecordCount: count,
      bytes: out.length + this.#pkBytes[0]!,
    };
    this.#reset();
    return record;
  }

  /** Drops what was added. */
  clear(): void {
    this.#reset();
  }

  /** Makes the area at least `bytes` long, keeping its first `keep` bytes. */
  #grow(bytes: number, keep: number): void {
    const area = Buffer.allocUnsafe(Math.max(bytes, 2 * this.#area.length));
    this.#area.copy(area, 0, 0, keep);
    this.#area = area;
  }

  #reset(): void {
    this.#pkIndex = new Map();
    this.#pkTable = [];
    this.#pkBytes = [];
    this.#ehkIndex = new Map();
    this.#ehkTable = [];
    // The area is kept: the next record starts over at its beginning.
    this.#areaBytes = 0;
    this.#count = 0;
    this.#protoBytes = 0;
  }
}
