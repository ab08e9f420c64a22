/**
 * The binary form of a part's state, stored in one `B` attribute.
 *
 * Binary rather than DynamoDB numbers because a double does not always fit one (DynamoDB numbers
 * stop at 1e126 and 38 significant digits; sums, min and max of doubles can exceed both), and
 * because one attribute is smaller and faster to read back than ten.
 *
 * Layout (little-endian): u8 version = 1; f64 count, sum, min, max, firstEventTime,
 * lastEventTime, lateCount; u32 sketch length; sketch protobuf; u32 n; n x f64 event-id hashes
 * (the de-duplication horizon, oldest first); u32 m; m x (u16 key length, UTF-8 ordering key,
 * 67 ASCII bytes of position): the marks.
 */

import { endianness } from 'node:os';
import { allocDoubles } from '../aggregates/double-slab.ts';
import { deserializeSketch, serializeSketch } from '../aggregates/sketch.ts';
import type { WindowState } from '../aggregates/window-state.ts';
import { PartStateError } from '../engine/errors.ts';
import { SEQUENCE_NUMBER_DIGITS, SUB_SEQUENCE_DIGITS } from '../engine/sequence.ts';

const VERSION = 1;
/** `recordPosition` width: 56 + 1 + 10. */
const POSITION_BYTES = SEQUENCE_NUMBER_DIGITS + 1 + SUB_SEQUENCE_DIGITS;
const FIXED_BYTES = 1 + 7 * 8 + 4;
/** On a little-endian host the horizon's bytes are a `Float64Array`'s: copied, not parsed. */
const NATIVE_LE = endianness() === 'LE';

/** A part's state and its de-duplication horizon. */
export interface PartState {
  readonly state: WindowState;
  /** Hashes of the most recent event ids absorbed, oldest first (a `Float64Array` once decoded). */
  readonly recentIdHashes: ArrayLike<number>;
  /** Last position taken per ordering unit. */
  readonly marks: ReadonlyMap<string, string>;
}

/** Bytes one mark takes in the blob: u16 key length, the key's UTF-8, the position. */
export function markEntryBytes(orderingKey: string): number {
  return 2 + Buffer.byteLength(orderingKey, 'utf8') + POSITION_BYTES;
}

/** Serializes a part's state. */
export function encodePartState(part: PartState): Uint8Array {
  const sketch = serializeSketch(part.state.sketch);
  const markKeys = [...part.marks.keys()].map((k) => Buffer.from(k, 'utf8'));
  const markBytes = 4 + markKeys.reduce((n, k) => n + 2 + k.length + POSITION_BYTES, 0);
  const out = Buffer.allocUnsafe(
    FIXED_BYTES + sketch.length + 4 + part.recentIdHashes.length * 8 + markBytes,
  );
  let o = out.writeUInt8(VERSION, 0);
  const s = part.state;
  for (const v of [s.count, s.sum, s.min, s.max, s.firstEventTime, s.lastEventTime, s.lateCount]) {
    o = out.writeDoubleLE(v, o);
  }
  o = out.writeUInt32LE(sketch.length, o);
  out.set(sketch, o);
  o += sketch.length;
  o = out.writeUInt32LE(part.recentIdHashes.length, o);
  const hashes = part.recentIdHashes;
  if (NATIVE_LE && hashes instanceof Float64Array) {
    out.set(new Uint8Array(hashes.buffer, hashes.byteOffset, hashes.byteLength), o);
    o += hashes.byteLength;
  } else {
    for (let i = 0; i < hashes.length; i++) o = out.writeDoubleLE(hashes[i]!, o);
  }
  o = out.writeUInt32LE(markKeys.length, o);
  let i = 0;
  for (const position of part.marks.values()) {
    const key = markKeys[i++]!;
    o = out.writeUInt16LE(key.length, o);
    out.set(key, o);
    o += key.length;
    o += out.write(position, o, POSITION_BYTES, 'latin1');
  }
  return out;
}

/**
 * Reads a part's state back.
 *
 * @throws {PartStateError} on an unknown version or a truncated blob.
 */
export function decodePartState(
  bytes: Uint8Array,
  relativeAccuracy: number,
  where: { readonly pk: string; readonly sk: string },
): PartState {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < FIXED_BYTES)
    throw new PartStateError(`state blob of ${buf.length} bytes is truncated`, where);
  const version = buf.readUInt8(0);
  if (version !== VERSION) {
    throw new PartStateError(
      `state blob version ${version} is unknown (expected ${VERSION})`,
      where,
    );
  }
  const f = (i: number) => buf.readDoubleLE(1 + i * 8);
  const sketchLength = buf.readUInt32LE(1 + 7 * 8);
  const sketchEnd = FIXED_BYTES + sketchLength;
  if (buf.length < sketchEnd + 4)
    throw new PartStateError('state blob is truncated inside the sketch', where);
  const state: WindowState = {
    count: f(0),
    sum: f(1),
    min: f(2),
    max: f(3),
    firstEventTime: f(4),
    lastEventTime: f(5),
    lateCount: f(6),
    sketch: deserializeSketch(buf.subarray(FIXED_BYTES, sketchEnd), relativeAccuracy),
  };
  const n = buf.readUInt32LE(sketchEnd);
  let o = sketchEnd + 4 + n * 8;
  if (buf.length < o + 4)
    throw new PartStateError('state blob is truncated inside the hash list', where);
  const recentIdHashes = allocDoubles(n);
  if (NATIVE_LE) {
    // A copy, not a view: the blob's offset need not be a multiple of 8.
    new Uint8Array(recentIdHashes.buffer, recentIdHashes.byteOffset, n * 8).set(
      buf.subarray(sketchEnd + 4, sketchEnd + 4 + n * 8),
    );
  } else {
    for (let i = 0; i < n; i++) recentIdHashes[i] = buf.readDoubleLE(sketchEnd + 4 + i * 8);
  }
  const m = buf.readUInt32LE(o);
  o += 4;
  const marks = new Map<string, string>();
  for (let i = 0; i < m; i++) {
    if (buf.length < o + 2)
      throw new PartStateError('state blob is truncated inside the marks', where);
    const keyLength = buf.readUInt16LE(o);
    o += 2;
    if (buf.length < o + keyLength + POSITION_BYTES)
      throw new PartStateError('state blob is truncated inside the marks', where);
    const key = buf.toString('utf8', o, o + keyLength);
    o += keyLength;
    marks.set(key, buf.toString('latin1', o, o + POSITION_BYTES));
    o += POSITION_BYTES;
  }
  if (o !== buf.length)
    throw new PartStateError(`state blob has ${buf.length - o} trailing bytes`, where);
  return { state, recentIdHashes, marks };
}
