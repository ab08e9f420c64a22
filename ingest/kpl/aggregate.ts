/**
 * KPL aggregation: many user records packed into one Kinesis record, byte for byte what awslabs'
 * `aws-kinesis-agg` writes for the same records (a test checks it), but with exact sizes in UTF-8
 * bytes (the library counts partition keys in UTF-16 units) and without protobufjs: records are
 * kept as references and written once, into one buffer of the exact final size.
 */

import { hash } from 'node:crypto';
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

/**
 * Accumulates user records for one destination (one shard) and builds the aggregated record.
 *
 * @example
 * ```ts
 * const agg = new KplAggregator({ maxRecordBytes: 64 * 1024 });
 * if (!agg.tryAdd('sensor-1', bytes)) { emit(agg.build()); agg.tryAdd('sensor-1', bytes); }
 * ```
 */
export class KplAggregator {
  readonly #maxRecordBytes: number;
  #pkIndex = new Map<string, number>();
  #pkTable: string[] = [];
  #pkBytes: number[] = [];
  #ehkIndex = new Map<string, number>();
  #ehkTable: string[] = [];
  #recordPk: number[] = [];
  #recordEhk: number[] = [];
  #recordData: Uint8Array[] = [];
  #recordInner: number[] = [];
  /** Size of the protobuf message so far. */
  #protoBytes = 0;

  constructor(options: KplAggregatorOptions) {
    this.#maxRecordBytes = options.maxRecordBytes;
  }

  /** Number of user records held. */
  get count(): number {
    return this.#recordData.length;
  }

  /** Size the built record would have now (data plus Kinesis partition key), 0 when empty. */
  get sizeBytes(): number {
    if (this.#recordData.length === 0) return 0;
    return KPL_OVERHEAD_BYTES + this.#protoBytes + this.#pkBytes[0]!;
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
    const knownPk = this.#pkIndex.get(partitionKey);
    const pkIndex = knownPk ?? this.#pkTable.length;
    let growth = 0;
    let pkBytes = 0;
    if (knownPk === undefined) {
      pkBytes = partitionKeyBytes ?? Buffer.byteLength(partitionKey, 'utf8');
      growth += 1 + varintSize(pkBytes) + pkBytes;
    }
    let ehkIndex = -1;
    let newEhk = false;
    if (explicitHashKey !== undefined) {
      const knownEhk = this.#ehkIndex.get(explicitHashKey);
      ehkIndex = knownEhk ?? this.#ehkTable.length;
      if (knownEhk === undefined) {
        newEhk = true;
        // Decimal digits only: one byte each.
        growth += 1 + varintSize(explicitHashKey.length) + explicitHashKey.length;
      }
    }
    let inner = 1 + varintSize(pkIndex) + 1 + varintSize(data.length) + data.length;
    if (ehkIndex >= 0) inner += 1 + varintSize(ehkIndex);
    growth += 1 + varintSize(inner) + inner;

    const firstPkBytes = this.#recordData.length === 0 ? pkBytes : this.#pkBytes[0]!;
    if (KPL_OVERHEAD_BYTES + this.#protoBytes + growth + firstPkBytes > this.#maxRecordBytes) {
      return false;
    }
    if (knownPk === undefined) {
      this.#pkIndex.set(partitionKey, pkIndex);
      this.#pkTable.push(partitionKey);
      this.#pkBytes.push(pkBytes);
    }
    if (explicitHashKey !== undefined && newEhk) {
      this.#ehkIndex.set(explicitHashKey, ehkIndex);
      this.#ehkTable.push(explicitHashKey);
    }
    this.#recordPk.push(pkIndex);
    this.#recordEhk.push(ehkIndex);
    this.#recordData.push(data);
    this.#recordInner.push(inner);
    this.#protoBytes += growth;
    return true;
  }

  /**
   * Builds the aggregated record from what was added and empties the aggregator.
   * @param explicitHashKey Kinesis-level explicit hash key to route the record with.
   */
  build(explicitHashKey?: string): AggregatedRecord {
    const count = this.#recordData.length;
    if (count === 0) throw new RangeError('KplAggregator.build: no user records were added');
    const protoBytes = this.#protoBytes;
    const out = Buffer.allocUnsafe(KPL_OVERHEAD_BYTES + protoBytes);
    out.set(KPL_MAGIC, 0);
    let o = KPL_MAGIC.length;
    for (let i = 0; i < this.#pkTable.length; i++) {
      out[o++] = TAG.partitionKeyTable;
      o = writeVarint(out, o, this.#pkBytes[i]!);
      o += out.write(this.#pkTable[i]!, o, 'utf8');
    }
    for (const ehk of this.#ehkTable) {
      out[o++] = TAG.explicitHashKeyTable;
      o = writeVarint(out, o, ehk.length);
      o += out.write(ehk, o, 'latin1');
    }
    for (let i = 0; i < count; i++) {
      const data = this.#recordData[i]!;
      out[o++] = TAG.records;
      o = writeVarint(out, o, this.#recordInner[i]!);
      out[o++] = TAG.partitionKeyIndex;
      o = writeVarint(out, o, this.#recordPk[i]!);
      const ehk = this.#recordEhk[i]!;
      if (ehk >= 0) {
        out[o++] = TAG.explicitHashKeyIndex;
        o = writeVarint(out, o, ehk);
      }
      out[o++] = TAG.data;
      o = writeVarint(out, o, data.length);
      out.set(data, o);
      o += data.length;
    }
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

  #reset(): void {
    this.#pkIndex = new Map();
    this.#pkTable = [];
    this.#pkBytes = [];
    this.#ehkIndex = new Map();
    this.#ehkTable = [];
    this.#recordPk = [];
    this.#recordEhk = [];
    this.#recordData = [];
    this.#recordInner = [];
    this.#protoBytes = 0;
  }
}
