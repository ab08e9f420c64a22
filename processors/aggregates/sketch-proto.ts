/**
 * The DDSketch protobuf (`DDSketch { IndexMapping mapping = 1; Store positiveValues = 2;
 * Store negativeValues = 3; double zeroCount = 4; }`, `Store { map<sint32, double> binCounts = 1;
 * repeated double contiguousBinCounts = 2 [packed]; sint32 contiguousBinIndexOffset = 3; }`,
 * `IndexMapping { double gamma = 1; double indexOffset = 2; Interpolation interpolation = 3; }`)
 * read and written directly, byte for byte as the library's protobufjs code writes it.
 *
 * Why: a processor decodes and re-encodes every part's sketch on every batch, and protobufjs
 * builds message objects and a writer chain for the 2,048 bins each time. Reading stops at
 * anything this code does not write (sparse `binCounts`, unknown fields): the caller then falls
 * back to the library, so a sketch written elsewhere still reads.
 */

import { endianness } from 'node:os';
import { allocDoubles } from './double-slab.ts';

const NATIVE_LE = endianness() === 'LE';

/** A store as its contiguous bins: `bins[i]` counts key `offset + i`. */
export interface ProtoBins<Bins extends ArrayLike<number> = ArrayLike<number>> {
  readonly bins: Bins;
  readonly offset: number;
}

/** The fields of a sketch this code reads and writes (decoded bins are a `Float64Array`). */
export interface ProtoSketchFields<Bins extends ArrayLike<number> = ArrayLike<number>> {
  readonly gamma: number;
  readonly indexOffset: number;
  readonly interpolation: number;
  readonly positive: ProtoBins<Bins>;
  readonly negative: ProtoBins<Bins>;
  readonly zeroCount: number;
}

/** The protobuf bytes of `sketch`, as `DDSketch.prototype.toProto` writes them. */
export function writeSketchProto(sketch: ProtoSketchFields): Uint8Array {
  const positive = storeBytes(sketch.positive);
  const negative = storeBytes(sketch.negative);
  const mappingLength = 9 + 9 + 1 + varintLength(sketch.interpolation >>> 0);
  const total =
    1 +
    varintLength(mappingLength) +
    mappingLength +
    (1 + varintLength(positive) + positive) +
    (1 + varintLength(negative) + negative) +
    9;
  const out = Buffer.allocUnsafe(total);
  let o = out.writeUInt8(10, 0);
  o = writeVarint(out, o, mappingLength);
  o = out.writeUInt8(9, o);
  o = out.writeDoubleLE(sketch.gamma, o);
  o = out.writeUInt8(17, o);
  o = out.writeDoubleLE(sketch.indexOffset, o);
  o = out.writeUInt8(24, o);
  o = writeVarint(out, o, sketch.interpolation >>> 0);
  o = out.writeUInt8(18, o);
  o = writeStore(out, writeVarint(out, o, positive), sketch.positive);
  o = out.writeUInt8(26, o);
  o = writeStore(out, writeVarint(out, o, negative), sketch.negative);
  o = out.writeUInt8(33, o);
  out.writeDoubleLE(sketch.zeroCount, o);
  return out;
}

/** The sketch in `bytes`, or undefined when they hold something this code does not write. */
export function readSketchProto(bytes: Uint8Array): ProtoSketchFields<Float64Array> | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = { o: 0 };
  let gamma: number | undefined;
  let indexOffset: number | undefined;
  let interpolation = 0;
  let positive: ProtoBins<Float64Array> | undefined;
  let negative: ProtoBins<Float64Array> | undefined;
  let zeroCount = 0;
  while (r.o < buf.length) {
    const tag = readVarint(buf, r);
    if (tag === 10) {
      const end = lengthEnd(buf, r);
      if (end === undefined) return undefined;
      while (r.o < end) {
        const field = readVarint(buf, r);
        if ((field === 9 || field === 17) && r.o + 8 <= end) {
          const value = buf.readDoubleLE(r.o);
          r.o += 8;
          if (field === 9) gamma = value;
          else indexOffset = value;
        } else if (field === 24) {
          interpolation = readVarint(buf, r);
        } else {
          return undefined;
        }
        if (Number.isNaN(interpolation)) return undefined;
      }
      if (r.o !== end) return undefined;
    } else if (tag === 18 || tag === 26) {
      const store = readStore(buf, r);
      if (store === undefined) return undefined;
      if (tag === 18) positive = store;
      else negative = store;
    } else if (tag === 33 && r.o + 8 <= buf.length) {
      zeroCount = buf.readDoubleLE(r.o);
      r.o += 8;
    } else {
      return undefined;
    }
  }
  if (gamma === undefined || indexOffset === undefined || !positive || !negative) return undefined;
  return { gamma, indexOffset, interpolation, positive, negative, zeroCount };
}

function readStore(buf: Buffer, r: { o: number }): ProtoBins<Float64Array> | undefined {
  const end = lengthEnd(buf, r);
  if (end === undefined) return undefined;
  let bins = NO_BINS;
  let offset: number | undefined;
  while (r.o < end) {
    const field = readVarint(buf, r);
    if (field === 18) {
      const binsEnd = lengthEnd(buf, r);
      if (binsEnd === undefined || binsEnd > end || (binsEnd - r.o) % 8 !== 0) return undefined;
      bins = readDoubles(buf, r.o, binsEnd);
      r.o = binsEnd;
    } else if (field === 24) {
      const zigzag = readVarint(buf, r);
      if (Number.isNaN(zigzag)) return undefined;
      offset = (zigzag >>> 1) ^ -(zigzag & 1);
    } else {
      return undefined;
    }
  }
  return r.o === end && offset !== undefined ? { bins, offset } : undefined;
}

const NO_BINS: Float64Array = new Float64Array(0);

/**
 * The little-endian doubles of `buf[start, end)`. On a little-endian host one copy (a copy, not
 * a view: the bins' offset in the blob need not be a multiple of 8).
 */
function readDoubles(buf: Buffer, start: number, end: number): Float64Array {
  const doubles = allocDoubles((end - start) / 8);
  if (NATIVE_LE) {
    new Uint8Array(doubles.buffer, doubles.byteOffset, end - start).set(buf.subarray(start, end));
  } else {
    for (let i = 0; i < doubles.length; i++) doubles[i] = buf.readDoubleLE(start + i * 8);
  }
  return doubles;
}

function storeBytes(store: ProtoBins): number {
  const n = store.bins.length;
  const bins = n > 0 ? 1 + varintLength(n * 8) + n * 8 : 0;
  return bins + 1 + varintLength(zigzag(store.offset));
}

function writeStore(out: Buffer, at: number, store: ProtoBins): number {
  let o = at;
  const { bins } = store;
  if (bins.length > 0) {
    o = out.writeUInt8(18, o);
    o = writeVarint(out, o, bins.length * 8);
    if (NATIVE_LE && bins instanceof Float64Array) {
      out.set(new Uint8Array(bins.buffer, bins.byteOffset, bins.byteLength), o);
      o += bins.byteLength;
    } else {
      for (let i = 0; i < bins.length; i++) o = out.writeDoubleLE(bins[i]!, o);
    }
  }
  o = out.writeUInt8(24, o);
  return writeVarint(out, o, zigzag(store.offset));
}

/** The end of a length-delimited field starting at `r.o`, or undefined past the buffer. */
function lengthEnd(buf: Buffer, r: { o: number }): number | undefined {
  const length = readVarint(buf, r);
  const end = r.o + length;
  return end <= buf.length ? end : undefined;
}

/** A varint of up to 32 bits (every tag, length and sint32 here); longer reads as NaN. */
function readVarint(buf: Buffer, r: { o: number }): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (r.o >= buf.length) return Number.NaN;
    const byte = buf[r.o++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value > 0xffffffff ? Number.NaN : value;
  }
  return Number.NaN;
}

function writeVarint(out: Buffer, at: number, value: number): number {
  let o = at;
  let v = value;
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[o++] = v;
  return o;
}

function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) n++;
  return n;
}

function zigzag(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}
