/**
 * Reads Kinesis records that may be KPL-aggregated (from our aggregator, from the KPL itself or
 * from `aws-kinesis-agg`) into user records. A plain record yields itself as one user record; a
 * corrupt aggregated record is an outcome with a reason, never an exception, so a processor can
 * send it to its DLQ and go on with the batch.
 */

import { hash } from 'node:crypto';
import { StringInterner } from '../../schemas/string-intern.ts';
import { CorruptAggregatedRecordError, KPL_CORRUPT_REASONS } from '../errors.ts';
import { hasKplMagic, KPL_CHECKSUM_BYTES, KPL_MAGIC, KPL_OVERHEAD_BYTES, TAG } from './format.ts';

/** One user record. */
export interface UserRecord {
  /** The user record's partition key (for a plain record: the Kinesis record's). */
  readonly partitionKey: string;
  /** Explicit hash key from the aggregated record's table, when it had one. */
  readonly explicitHashKey: string | undefined;
  /** The payload. A view into the input bytes, not a copy. */
  readonly data: Uint8Array;
  /** Position within the aggregated record; undefined for a plain record (as in the KCL). */
  readonly subSequenceNumber: number | undefined;
}

/** What {@link deaggregate} found. */
export type DeaggregateResult =
  | { readonly status: 'ok'; readonly aggregated: boolean; readonly records: readonly UserRecord[] }
  | CorruptResult;

/** A corrupt aggregated record: the reason and the error with its offset. */
export interface CorruptResult {
  readonly status: 'corrupt';
  readonly reason: CorruptAggregatedRecordError['reason'];
  readonly error: CorruptAggregatedRecordError;
}

/**
 * One Kinesis record's user records as offsets into its bytes, for hot paths: no object, no
 * Buffer view and no string per user record. User record `i` (of `count`) is
 * `buf[starts[i], ends[i])`, with sub-sequence number `i`, partition key
 * `partitionKeyTable[partitionKeyIndexes[i]]` and explicit hash key
 * `explicitHashKeyTable[explicitHashKeyIndexes[i]]` (none where the index is -1). Every index
 * is checked to lie inside its table.
 */
export interface UserRecordSpans {
  readonly buf: Buffer;
  readonly aggregated: boolean;
  readonly count: number;
  readonly starts: ArrayLike<number>;
  readonly ends: ArrayLike<number>;
  /**
   * The record's distinct partition keys (its table; for a plain record, its one key). Made
   * strings when first read: a hot path reads their bytes instead.
   */
  readonly partitionKeyTable: readonly string[];
  /** Where table entry `k`'s UTF-8 bytes lie in `buf` (empty for a plain record). */
  readonly partitionKeyStarts: ArrayLike<number>;
  readonly partitionKeyEnds: ArrayLike<number>;
  readonly partitionKeyIndexes: ArrayLike<number>;
  readonly explicitHashKeyTable: readonly string[];
  readonly explicitHashKeyIndexes: ArrayLike<number>;
}

/** What {@link deaggregateSpans} found. */
export type DeaggregateSpansResult =
  | { readonly status: 'ok'; readonly spans: UserRecordSpans }
  | CorruptResult;

/** Options of {@link deaggregate}. */
export interface DeaggregateOptions {
  /** Check the MD5 trailer. @default true */
  readonly verifyChecksum?: boolean;
  /**
   * {@link deaggregateSpans} only: arrays to read into, reused across calls so that a batch of
   * records allocates them once. The spans returned are views of them, valid until the next
   * call with the same scratch. @default fresh arrays per call
   */
  readonly scratch?: DeaggregateScratch;
}

/** The growable arrays {@link deaggregateSpans} reads an aggregated record into. */
export class DeaggregateScratch {
  starts = new Int32Array(512);
  ends = new Int32Array(512);
  // Doubles: an index read by the general reader may be any safe integer, and must be reported
  // as it was.
  pkIndexes = new Float64Array(512);
  ehkIndexes = new Float64Array(512);

  /** Doubles every array, keeping the first `used` entries. */
  grow(used: number): void {
    const grow = <T extends Int32Array | Float64Array>(from: T, to: T): T => {
      to.set(from.subarray(0, used));
      return to;
    };
    const n = this.starts.length * 2;
    this.starts = grow(this.starts, new Int32Array(n));
    this.ends = grow(this.ends, new Int32Array(n));
    this.pkIndexes = grow(this.pkIndexes, new Float64Array(n));
    this.ehkIndexes = grow(this.ehkIndexes, new Float64Array(n));
  }
}

/**
 * Splits one Kinesis record's data into its user records.
 *
 * @param data the Kinesis record's data (already base64-decoded)
 * @param partitionKey the Kinesis record's partition key, used for a plain record
 * @example
 * ```ts
 * const result = deaggregate(Buffer.from(record.kinesis.data, 'base64'), record.kinesis.partitionKey);
 * if (result.status === 'corrupt') toDlq(record, result.reason);
 * else for (const user of result.records) decodeTelemetryEvent(user.data);
 * ```
 */
export function deaggregate(
  data: Uint8Array,
  partitionKey = '',
  options: DeaggregateOptions = {},
): DeaggregateResult {
  if (!hasKplMagic(data)) {
    return {
      status: 'ok',
      aggregated: false,
      records: [{ partitionKey, explicitHashKey: undefined, data, subSequenceNumber: undefined }],
    };
  }
  const result = deaggregateSpans(data, partitionKey, options);
  if (result.status === 'corrupt') return result;
  const spans = result.spans;
  const records: UserRecord[] = new Array(spans.count);
  for (let i = 0; i < spans.count; i++) {
    const ehk = spans.explicitHashKeyIndexes[i]!;
    records[i] = {
      partitionKey: spans.partitionKeyTable[spans.partitionKeyIndexes[i]!]!,
      explicitHashKey: ehk < 0 ? undefined : spans.explicitHashKeyTable[ehk],
      data: spans.buf.subarray(spans.starts[i], spans.ends[i]),
      subSequenceNumber: i,
    };
  }
  return { status: 'ok', aggregated: true, records };
}

/**
 * {@link deaggregate} as spans (see {@link UserRecordSpans}): the same checks and outcomes. A
 * plain record is one span over all of `data`, `aggregated: false`.
 *
 * @example
 * ```ts
 * const result = deaggregateSpans(data, record.kinesis.partitionKey);
 * if (result.status === 'ok') {
 *   const { buf, count, starts, ends } = result.spans;
 *   for (let i = 0; i < count; i++) decodeAt(buf, starts[i]!, ends[i]!);
 * }
 * ```
 */
export function deaggregateSpans(
  data: Uint8Array,
  partitionKey = '',
  options: DeaggregateOptions = {},
): DeaggregateSpansResult {
  const buf = Buffer.isBuffer(data)
    ? data
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (!hasKplMagic(data)) {
    const spans: UserRecordSpans = {
      buf,
      aggregated: false,
      count: 1,
      starts: PLAIN_STARTS,
      ends: [buf.length],
      partitionKeyTable: [partitionKey],
      partitionKeyStarts: NONE,
      partitionKeyEnds: NONE,
      partitionKeyIndexes: PLAIN_STARTS,
      explicitHashKeyTable: [],
      explicitHashKeyIndexes: PLAIN_NO_HASH_KEY,
    };
    return { status: 'ok', spans };
  }
  if (data.length < KPL_OVERHEAD_BYTES) {
    return corrupt(
      KPL_CORRUPT_REASONS.truncated,
      `aggregated record of ${data.length} bytes is shorter than its ${KPL_OVERHEAD_BYTES}-byte framing`,
      data.length,
    );
  }
  const end = data.length - KPL_CHECKSUM_BYTES;
  if (options.verifyChecksum ?? true) {
    const digest = hash('md5', buf.subarray(KPL_MAGIC.length, end), 'buffer') as unknown as Buffer;
    if (!digest.equals(buf.subarray(end))) {
      return corrupt(
        KPL_CORRUPT_REASONS.badChecksum,
        `aggregated record of ${data.length} bytes: MD5 trailer ${buf.subarray(end).toString('hex')} does not match its content ${digest.toString('hex')}`,
        data.length,
        end,
      );
    }
  }
  try {
    return {
      status: 'ok',
      spans: readAggregatedRecord(buf, end, options.scratch ?? new DeaggregateScratch()),
    };
  } catch (error) {
    if (error instanceof ProtobufError) {
      return corrupt(KPL_CORRUPT_REASONS.badProtobuf, error.message, data.length, error.offset);
    }
    throw error;
  }
}

function corrupt(
  reason: CorruptAggregatedRecordError['reason'],
  message: string,
  length: number,
  offset?: number,
): CorruptResult {
  return {
    status: 'corrupt',
    reason,
    error: new CorruptAggregatedRecordError(reason, message, length, offset),
  };
}

/** Internal: thrown by the reader, turned into an outcome by {@link deaggregate}. */
class ProtobufError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`malformed AggregatedRecord at byte ${offset}: ${message}`);
    this.offset = offset;
  }
}

/**
 * A minimal protobuf cursor over `buf[pos, end)`. One per aggregated record: nested messages
 * narrow `end` instead of making a reader each, and `delimited` leaves the content's start in
 * `from` instead of returning a pair (no allocation per field on the hot path).
 */
class Reader {
  pos: number;
  from = 0;
  constructor(
    readonly buf: Buffer,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('varint runs past the end', this.pos);
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) throw new ProtobufError('varint too large', this.pos);
        return result;
      }
      scale *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes', this.pos);
  }

  /** Skips a length-delimited field's content; returns its end, its start is in `from`. */
  delimited(): number {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) {
      throw new ProtobufError(
        `length ${length} runs past the end (${this.end - start} left)`,
        start,
      );
    }
    this.from = start;
    this.pos = start + length;
    return this.pos;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.delimited();
    else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      if (this.end - this.pos < size)
        throw new ProtobufError('fixed field runs past the end', this.pos);
      this.pos += size;
    } else throw new ProtobufError(`unsupported wire type ${wireType}`, this.pos);
  }
}

// Partition keys repeat across records (a few hundred sources): one string per distinct key.
const keys = new StringInterner();
const PLAIN_STARTS: ArrayLike<number> = Int32Array.of(0);
const PLAIN_NO_HASH_KEY: ArrayLike<number> = Int32Array.of(-1);
const NONE: ArrayLike<number> = new Int32Array(0);

function readAggregatedRecord(
  buf: Buffer,
  end: number,
  scratch: DeaggregateScratch,
): UserRecordSpans {
  const spans = new SpansBuilder(buf, scratch);
  return scanCanonical(buf, end, spans)
    ? spans.build()
    : readAnyAggregatedRecord(buf, end, scratch);
}

/** The columns of {@link UserRecordSpans} as they are read, into a scratch's arrays. */
class SpansBuilder {
  count = 0;
  // The partition-key table as spans of `buf`; strings only when asked for.
  readonly pkStarts: number[] = [];
  readonly pkEnds: number[] = [];
  #pkTable: string[] | undefined;
  readonly ehkTable: string[] = [];

  constructor(
    readonly buf: Buffer,
    readonly scratch: DeaggregateScratch,
  ) {}

  get pkTable(): string[] {
    this.#pkTable ??= this.pkStarts.map((start, k) =>
      keys.intern(this.buf, start, this.pkEnds[k]!),
    );
    return this.#pkTable;
  }

  addPartitionKey(start: number, end: number): void {
    this.pkStarts.push(start);
    this.pkEnds.push(end);
  }

  add(start: number, end: number, pk: number, ehk: number): void {
    const i = this.count++;
    const scratch = this.scratch;
    if (i === scratch.starts.length) scratch.grow(i);
    scratch.starts[i] = start;
    scratch.ends[i] = end;
    scratch.pkIndexes[i] = pk;
    scratch.ehkIndexes[i] = ehk;
  }

  /** The index of the first record whose key index lies outside its table, or -1. */
  firstBadIndex(): number {
    const pks = this.pkStarts.length;
    const ehks = this.ehkTable.length;
    const { pkIndexes, ehkIndexes } = this.scratch;
    for (let i = 0; i < this.count; i++) {
      if (pkIndexes[i]! >= pks || ehkIndexes[i]! >= ehks) return i;
    }
    return -1;
  }

  build(): UserRecordSpans {
    const n = this.count;
    const builder = this;
    const { starts, ends, pkIndexes, ehkIndexes } = this.scratch;
    return {
      buf: this.buf,
      aggregated: true,
      count: n,
      starts: starts.subarray(0, n),
      ends: ends.subarray(0, n),
      get partitionKeyTable() {
        return builder.pkTable;
      },
      partitionKeyStarts: this.pkStarts,
      partitionKeyEnds: this.pkEnds,
      partitionKeyIndexes: pkIndexes.subarray(0, n),
      explicitHashKeyTable: this.ehkTable,
      explicitHashKeyIndexes: ehkIndexes.subarray(0, n),
    };
  }
}

/** Set by {@link varintAt}: the position after the varint it read. */
let after = 0;

/**
 * A varint below 2^28 at `buf[pos]` (`after` is set past it), or -1 when it is longer or runs
 * past `end`.
 */
function varintAt(buf: Buffer, pos: number, end: number): number {
  if (pos >= end) return -1;
  let b = buf[pos]!;
  if (b < 0x80) {
    after = pos + 1;
    return b;
  }
  let value = b & 0x7f;
  for (let shift = 7; shift < 28; shift += 7) {
    if (++pos >= end) return -1;
    b = buf[pos]!;
    value |= (b & 0x7f) << shift;
    if (b < 0x80) {
      after = pos + 1;
      return value;
    }
  }
  return -1;
}

/**
 * The common shape, fast: only the three known fields of each message, one-byte keys, varints
 * below 2^28, every index inside its table. Returns false at the first thing outside that
 * shape, and the general reader ({@link readAnyAggregatedRecord}) decides (unknown fields, tags,
 * long varints, or the exact error). One pass, nothing allocated per user record.
 */
function scanCanonical(buf: Buffer, end: number, spans: SpansBuilder): boolean {
  let pos = KPL_MAGIC.length;
  while (pos < end) {
    const tag = buf[pos]!;
    const length = varintAt(buf, pos + 1, end);
    if (length < 0) return false;
    const from = after;
    const stop = from + length;
    if (stop > end) return false;
    if (tag === TAG.records) {
      let pk = -1;
      let ehk = -1;
      let start = -1;
      let dataEnd = -1;
      let p = from;
      while (p < stop) {
        const field = buf[p]!;
        const value = varintAt(buf, p + 1, stop);
        if (value < 0) return false;
        p = after;
        if (field === TAG.partitionKeyIndex) pk = value;
        else if (field === TAG.explicitHashKeyIndex) ehk = value;
        else if (field === TAG.data) {
          start = p;
          p += value;
          if (p > stop) return false;
          dataEnd = p;
        } else return false;
      }
      if (pk < 0 || start < 0) return false;
      spans.add(start, dataEnd, pk, ehk);
    } else if (tag === TAG.partitionKeyTable) {
      spans.addPartitionKey(from, stop);
    } else if (tag === TAG.explicitHashKeyTable) {
      spans.ehkTable.push(keys.intern(buf, from, stop));
    } else return false;
    pos = stop;
  }
  return spans.firstBadIndex() < 0;
}

/** Any well-formed aggregated record (unknown fields skipped), or a `ProtobufError`. */
function readAnyAggregatedRecord(
  buf: Buffer,
  end: number,
  scratch: DeaggregateScratch,
): UserRecordSpans {
  const reader = new Reader(buf, KPL_MAGIC.length, end);
  const spans = new SpansBuilder(buf, scratch);
  while (reader.pos < end) {
    const at = reader.pos;
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (field >= 1 && field <= 3 && wireType !== 2) {
      throw new ProtobufError(`field ${field} has wire type ${wireType}, expected 2`, at);
    }
    if (field === 1) {
      const e = reader.delimited();
      spans.addPartitionKey(reader.from, e);
    } else if (field === 2) {
      const e = reader.delimited();
      spans.ehkTable.push(keys.intern(buf, reader.from, e));
    } else if (field === 3) {
      const e = reader.delimited();
      reader.pos = reader.from;
      reader.end = e;
      readRecord(reader, spans);
      reader.end = end;
    } else {
      reader.skip(wireType);
    }
  }
  const bad = spans.firstBadIndex();
  if (bad >= 0) {
    const pk = scratch.pkIndexes[bad]!;
    const ehk = scratch.ehkIndexes[bad]!;
    throw new ProtobufError(
      pk >= spans.pkStarts.length
        ? `record ${bad}: partition_key_index ${pk} outside a table of ${spans.pkStarts.length}`
        : `record ${bad}: explicit_hash_key_index ${ehk} outside a table of ${spans.ehkTable.length}`,
      scratch.starts[bad]!,
    );
  }
  return spans.build();
}

/** Reads one Record message (`reader.pos` to `reader.end`), appending it to `spans`. */
function readRecord(reader: Reader, spans: SpansBuilder): void {
  const at = reader.pos;
  let pk = -1;
  let ehk = -1;
  let start = -1;
  let end = -1;
  while (reader.pos < reader.end) {
    const keyAt = reader.pos;
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    const expected = field === 1 || field === 2 ? 0 : field === 3 || field === 4 ? 2 : -1;
    if (expected >= 0 && wireType !== expected) {
      throw new ProtobufError(
        `Record field ${field} has wire type ${wireType}, expected ${expected}`,
        keyAt,
      );
    }
    if (field === 1) pk = reader.varint();
    else if (field === 2) ehk = reader.varint();
    else if (field === 3) {
      end = reader.delimited();
      start = reader.from;
    } else reader.skip(wireType);
  }
  if (pk < 0) throw new ProtobufError('Record without partition_key_index', at);
  if (start < 0) throw new ProtobufError('Record without data', at);
  spans.add(start, end, pk, ehk);
}
