/**
 * Reads Kinesis records that may be KPL-aggregated (from our aggregator, from the KPL itself or
 * from `aws-kinesis-agg`) into user records. A plain record yields itself as one user record; a
 * corrupt aggregated record is an outcome with a reason, never an exception, so a processor can
 * send it to its DLQ and go on with the batch.
 */

import { hash } from 'node:crypto';
import { StringInterner } from '../../schemas/string-intern.ts';
import { CorruptAggregatedRecordError, KPL_CORRUPT_REASONS } from '../errors.ts';
import { hasKplMagic, KPL_CHECKSUM_BYTES, KPL_MAGIC, KPL_OVERHEAD_BYTES } from './format.ts';

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
 * One Kinesis record's user records as offsets into its bytes, for hot paths: no object and no
 * Buffer view per user record. User record `i` is `buf[starts[i], ends[i])` with partition key
 * `partitionKeys[i]` (the same string object for every record of one table entry) and
 * sub-sequence number `i`.
 */
export interface UserRecordSpans {
  readonly buf: Buffer;
  readonly aggregated: boolean;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly partitionKeys: readonly string[];
  /** Per user record, `undefined` where it has none. */
  readonly explicitHashKeys: readonly (string | undefined)[];
}

/** What {@link deaggregateSpans} found. */
export type DeaggregateSpansResult =
  | { readonly status: 'ok'; readonly spans: UserRecordSpans }
  | CorruptResult;

/** Options of {@link deaggregate}. */
export interface DeaggregateOptions {
  /** Check the MD5 trailer. @default true */
  readonly verifyChecksum?: boolean;
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
  const { buf, starts, ends, partitionKeys, explicitHashKeys } = result.spans;
  const records: UserRecord[] = new Array(starts.length);
  for (let i = 0; i < starts.length; i++) {
    records[i] = {
      partitionKey: partitionKeys[i]!,
      explicitHashKey: explicitHashKeys[i],
      data: buf.subarray(starts[i], ends[i]),
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
 *   const { buf, starts, ends } = result.spans;
 *   for (let i = 0; i < starts.length; i++) decodeAt(buf, starts[i]!, ends[i]!);
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
      starts: [0],
      ends: [buf.length],
      partitionKeys: [partitionKey],
      explicitHashKeys: [undefined],
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
    return { status: 'ok', spans: readAggregatedRecord(buf, end) };
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

function readAggregatedRecord(buf: Buffer, end: number): UserRecordSpans {
  const reader = new Reader(buf, KPL_MAGIC.length, end);
  const pkTable: string[] = [];
  const ehkTable: string[] = [];
  const pkIndexes: number[] = [];
  const ehkIndexes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  while (reader.pos < end) {
    const at = reader.pos;
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (field >= 1 && field <= 3 && wireType !== 2) {
      throw new ProtobufError(`field ${field} has wire type ${wireType}, expected 2`, at);
    }
    if (field === 1 || field === 2) {
      const e = reader.delimited();
      (field === 1 ? pkTable : ehkTable).push(keys.intern(buf, reader.from, e));
    } else if (field === 3) {
      const e = reader.delimited();
      reader.pos = reader.from;
      reader.end = e;
      readRecord(reader, pkIndexes, ehkIndexes, starts, ends);
      reader.end = end;
    } else {
      reader.skip(wireType);
    }
  }
  const partitionKeys: string[] = new Array(starts.length);
  const explicitHashKeys: (string | undefined)[] = new Array(starts.length);
  for (let i = 0; i < starts.length; i++) {
    const pk = pkIndexes[i]!;
    const partitionKey = pkTable[pk];
    if (partitionKey === undefined) {
      throw new ProtobufError(
        `record ${i}: partition_key_index ${pk} outside a table of ${pkTable.length}`,
        starts[i]!,
      );
    }
    partitionKeys[i] = partitionKey;
    const ehk = ehkIndexes[i]!;
    let explicitHashKey: string | undefined;
    if (ehk >= 0) {
      explicitHashKey = ehkTable[ehk];
      if (explicitHashKey === undefined) {
        throw new ProtobufError(
          `record ${i}: explicit_hash_key_index ${ehk} outside a table of ${ehkTable.length}`,
          starts[i]!,
        );
      }
    }
    explicitHashKeys[i] = explicitHashKey;
  }
  return { buf, aggregated: true, starts, ends, partitionKeys, explicitHashKeys };
}

/** Reads one Record message (`reader.pos` to `reader.end`), appending its fields. */
function readRecord(
  reader: Reader,
  pkIndexes: number[],
  ehkIndexes: number[],
  starts: number[],
  ends: number[],
): void {
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
  pkIndexes.push(pk);
  ehkIndexes.push(ehk);
  starts.push(start);
  ends.push(end);
}
