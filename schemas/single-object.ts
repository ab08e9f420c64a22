/**
 * Avro single-object encoding (spec: "Single-object encoding"): the marker `C3 01`, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body.
 */

import { BlockCountOverflow } from './bounded-reads.ts';
import {
  BadMarkerError,
  InvalidBodyError,
  TrailingBytesError,
  TruncatedRecordError,
  UnknownFingerprintError,
} from './errors.ts';
import type { KnownSchema, SchemaRegistry } from './registry.ts';

/** Marker byte 0 and 1 of every single-object record. */
export const MARKER_0 = 0xc3;
export const MARKER_1 = 0x01;
/** Bytes before the body: 2 marker + 8 fingerprint. */
export const HEADER_BYTES = 10;

const INITIAL_SCRATCH_BYTES = 4096;
// One scratch buffer reused by every encode: avsc writes into it, and the record is copied out
// once at its exact size. Saves the intermediate body buffer that `toBuffer` + concat would make.
let scratch = Buffer.alloc(INITIAL_SCRATCH_BYTES);

/** Encodes `value` (already validated against `known.type`) as a single-object record. */
export function writeSingleObject(known: KnownSchema, value: unknown): Buffer {
  let end = known.type.encode(value, scratch, HEADER_BYTES);
  if (end < 0) {
    // avsc returns minus the number of missing bytes when the buffer is too small.
    scratch = Buffer.alloc(Math.max(scratch.length * 2, scratch.length - end));
    end = known.type.encode(value, scratch, HEADER_BYTES);
  }
  const out = Buffer.allocUnsafe(end);
  out[0] = MARKER_0;
  out[1] = MARKER_1;
  known.fingerprint.copy(out, 2);
  scratch.copy(out, HEADER_BYTES, HEADER_BYTES, end);
  return out;
}

/** A decoded record and the published schema that wrote it. */
export interface DecodedRecord {
  /** The schema version that wrote the record (its `reader` is what `value` conforms to). */
  readonly writer: KnownSchema;
  readonly value: unknown;
}

/** A Buffer view of `bytes`, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  // Kinesis SDK records arrive as Uint8Array, avsc's Tap wants a Buffer.
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Checks the single-object header of `buf` and finds its writer schema.
 *
 * @throws {BadMarkerError} | {TruncatedRecordError} | {UnknownFingerprintError}
 */
export function readHeader(registry: SchemaRegistry, buf: Buffer): KnownSchema {
  const length = buf.length;
  // Wrong marker bytes say "not ours"; too few bytes (even none) say "cut short".
  if ((length > 0 && buf[0] !== MARKER_0) || (length > 1 && buf[1] !== MARKER_1)) {
    throw new BadMarkerError(buf.subarray(0, 2).toString('hex'), length);
  }
  if (length < HEADER_BYTES) throw new TruncatedRecordError('header', length);
  const writer = registry.find(buf.readUInt32LE(2), buf.readUInt32LE(6));
  if (writer === undefined) {
    throw new UnknownFingerprintError(buf.subarray(2, HEADER_BYTES).toString('hex'), length);
  }
  return writer;
}

/**
 * Decodes the body after the header with `writer`'s cached resolver, requiring it to end
 * exactly at the end of `buf`.
 *
 * @throws {TruncatedRecordError} | {TrailingBytesError} | {InvalidBodyError}
 */
export function readBody(writer: KnownSchema, buf: Buffer): unknown {
  const length = buf.length;
  let decoded: { value: unknown; offset: number };
  try {
    decoded = writer.reader.decode(buf, HEADER_BYTES, writer.resolver);
  } catch (cause) {
    if (cause instanceof BlockCountOverflow) {
      throw new TruncatedRecordError('body', length, writer.fingerprintHex, cause.message);
    }
    // avsc throws on impossible encodings (a union index out of range, a negative length).
    throw new InvalidBodyError(writer.fingerprintHex, length, cause);
  }
  if (decoded.offset < 0) throw new TruncatedRecordError('body', length, writer.fingerprintHex);
  if (decoded.offset !== length) {
    throw new TrailingBytesError(writer.fingerprintHex, decoded.offset, length);
  }
  return decoded.value;
}

/**
 * Decodes a single-object record written by any schema version `registry` knows into the
 * registry's reader version of that schema.
 *
 * @throws {SchemaDecodeError} subclasses: `BadMarkerError`, `TruncatedRecordError`,
 *   `UnknownFingerprintError`, `InvalidBodyError`, `TrailingBytesError`.
 */
export function readSingleObject(registry: SchemaRegistry, bytes: Uint8Array): DecodedRecord {
  const buf = asBuffer(bytes);
  const writer = readHeader(registry, buf);
  return { writer, value: readBody(writer, buf) };
}
