/**
 * Reads Kinesis records that may be KPL-aggregated (from our aggregator, from the KPL itself or
 * from `aws-kinesis-agg`) into user records. A plain record yields itself as one user record; a
 * corrupt aggregated record is an outcome with a reason, never an exception, so a processor can
 * send it to its DLQ and go on with the batch.
 */

import { hash } from 'node:crypto';
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
  | {
      readonly status: 'corrupt';
      readonly reason: CorruptAggregatedRecordError['reason'];
      readonly error: CorruptAggregatedRecordError;
    };

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
  if (data.length < KPL_OVERHEAD_BYTES) {
    return corrupt(
      KPL_CORRUPT_REASONS.truncated,
      `aggregated record of ${data.length} bytes is shorter than its ${KPL_OVERHEAD_BYTES}-byte framing`,
      data.length,
    );
  }
  const end = data.length - KPL_CHECKSUM_BYTES;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
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
    return { status: 'ok', aggregated: true, records: readAggregatedRecord(buf, end) };
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
): DeaggregateResult {
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

/** A minimal protobuf cursor over `buf[pos, end)`. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
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

  /** Start and end of a length-delimited field's content. */
  delimited(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) {
      throw new ProtobufError(
        `length ${length} runs past the end (${this.end - start} left)`,
        start,
      );
    }
    this.pos = start + length;
    return [start, start + length];
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

interface RawRecord {
  pk: number;
  ehk: number;
  start: number;
  end: number;
}

function readAggregatedRecord(buf: Buffer, end: number): UserRecord[] {
  const reader = new Reader(buf, KPL_MAGIC.length, end);
  const pkTable: string[] = [];
  const ehkTable: string[] = [];
  const raw: RawRecord[] = [];
  while (reader.pos < end) {
    const at = reader.pos;
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (field >= 1 && field <= 3 && wireType !== 2) {
      throw new ProtobufError(`field ${field} has wire type ${wireType}, expected 2`, at);
    }
    if (field === 1 || field === 2) {
      const [s, e] = reader.delimited();
      (field === 1 ? pkTable : ehkTable).push(buf.toString('utf8', s, e));
    } else if (field === 3) {
      const [s, e] = reader.delimited();
      raw.push(readRecord(new Reader(buf, s, e)));
    } else {
      reader.skip(wireType);
    }
  }
  const records: UserRecord[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const partitionKey = pkTable[r.pk];
    if (partitionKey === undefined) {
      throw new ProtobufError(
        `record ${i}: partition_key_index ${r.pk} outside a table of ${pkTable.length}`,
        r.start,
      );
    }
    let explicitHashKey: string | undefined;
    if (r.ehk >= 0) {
      explicitHashKey = ehkTable[r.ehk];
      if (explicitHashKey === undefined) {
        throw new ProtobufError(
          `record ${i}: explicit_hash_key_index ${r.ehk} outside a table of ${ehkTable.length}`,
          r.start,
        );
      }
    }
    records[i] = {
      partitionKey,
      explicitHashKey,
      data: buf.subarray(r.start, r.end),
      subSequenceNumber: i,
    };
  }
  return records;
}

function readRecord(reader: Reader): RawRecord {
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
    else if (field === 3) [start, end] = reader.delimited();
    else reader.skip(wireType);
  }
  if (pk < 0) throw new ProtobufError('Record without partition_key_index', at);
  if (start < 0) throw new ProtobufError('Record without data', at);
  return { pk, ehk, start, end };
}
