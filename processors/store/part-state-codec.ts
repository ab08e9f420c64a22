/**
 * The binary form of a part's state, stored in one `B` attribute.
 *
 * Binary rather than DynamoDB numbers because a double does not always fit one (DynamoDB numbers
 * stop at 1e126 and 38 significant digits; sums, min and max of doubles can exceed both), and
 * because one attribute is smaller and faster to read back than ten.
 *
 * Layout (little-endian): u8 version = 1; f64 count, sum, min, max, firstEventTime,
 * lastEventTime, lateCount; u32 sketch length; sketch protobuf; u32 n; n x f64 event-id hashes
 * (the de-duplication horizon, oldest first).
 */

import { deserializeSketch, serializeSketch } from '../aggregates/sketch.ts';
import type { WindowState } from '../aggregates/window-state.ts';
import { PartStateError } from '../engine/errors.ts';

const VERSION = 1;
const FIXED_BYTES = 1 + 7 * 8 + 4;

/** A part's state and its de-duplication horizon. */
export interface PartState {
  readonly state: WindowState;
  /** Hashes of the most recent event ids absorbed, oldest first. */
  readonly recentIdHashes: readonly number[];
}

/** Serializes a part's state. */
export function encodePartState(part: PartState): Uint8Array {
  const sketch = serializeSketch(part.state.sketch);
  const out = Buffer.allocUnsafe(FIXED_BYTES + sketch.length + 4 + part.recentIdHashes.length * 8);
  let o = out.writeUInt8(VERSION, 0);
  const s = part.state;
  for (const v of [s.count, s.sum, s.min, s.max, s.firstEventTime, s.lastEventTime, s.lateCount]) {
    o = out.writeDoubleLE(v, o);
  }
  o = out.writeUInt32LE(sketch.length, o);
  out.set(sketch, o);
  o += sketch.length;
  o = out.writeUInt32LE(part.recentIdHashes.length, o);
  for (const h of part.recentIdHashes) o = out.writeDoubleLE(h, o);
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
  if (buf.length !== sketchEnd + 4 + n * 8)
    throw new PartStateError('state blob has a bad hash list length', where);
  const recentIdHashes: number[] = new Array(n);
  for (let i = 0; i < n; i++) recentIdHashes[i] = buf.readDoubleLE(sketchEnd + 4 + i * 8);
  return { state, recentIdHashes };
}
