/**
 * A hand-written Avro body writer for the shapes `TelemetryEvent` has had (v1, and v2 with
 * `unit`), byte for byte what avsc writes for the same value (a property test checks it on
 * random events of every published version), at a fraction of the cost: no Tap object, no
 * per-field dispatch, ASCII strings copied in a JS loop instead of a C++ call each, and the null
 * default of an absent optional field written as one byte instead of avsc's `latin1Write`.
 *
 * The writer only ever runs for a schema whose fields {@link directShapeOf} recognises; any other
 * version falls back to avsc (`encode-into.ts`), so a new version is never written wrongly, only
 * more slowly until this file learns it.
 */

import avro from 'avsc';
import type { TelemetryEvent } from './types.ts';

/** The field lists this writer knows, as `name:type-json:default-json`. */
const V1_FIELDS = [
  'eventId:"string":undefined',
  'source:"string":undefined',
  'metric:"string":undefined',
  'value:"double":undefined',
  'timestamp:"long":undefined',
  'attributes:["null",{"type":"map","values":"string"}]:null',
] as const;
const V2_FIELDS = [...V1_FIELDS, 'unit:["null","string"]:null'] as const;

/** Which known shape a writer type has: whether it ends with `unit`, or not known at all. */
export type DirectShape = 'without-unit' | 'with-unit';

/** The shape of `type` if this writer can write it, else undefined. */
export function directShapeOf(type: avro.Type): DirectShape | undefined {
  if (!(type instanceof avro.types.RecordType)) return undefined;
  const fields = type.fields.map(
    (field) =>
      `${field.name}:${JSON.stringify(field.type.schema())}:${JSON.stringify(field.defaultValue())}`,
  );
  const same = (known: readonly string[]) =>
    fields.length === known.length && fields.every((field, i) => field === known[i]);
  if (same(V2_FIELDS)) return 'with-unit';
  if (same(V1_FIELDS)) return 'without-unit';
  return undefined;
}

/** Returned by the string writer when the buffer is too short. */
const SHORT = -1;

/**
 * Writes the Avro body of `event` at `offset`.
 *
 * Precondition: `event` passes `isValid` for the shape's schema (see encode-into.ts).
 *
 * @returns the offset after the body, or -1 when `buf` is too short (bytes from `offset` on may
 *   have been overwritten, none past `buf.length`).
 */
export function writeTelemetryBody(
  event: TelemetryEvent,
  buf: Buffer,
  offset: number,
  shape: DirectShape,
): number {
  const end = buf.length;
  let p = writeString(buf, offset, event.eventId);
  if (p < 0) return SHORT;
  p = writeString(buf, p, event.source);
  if (p < 0) return SHORT;
  p = writeString(buf, p, event.metric);
  // 8 bytes of double, at most 10 of long, 1 of the attributes' union index.
  if (p < 0 || p + 19 > end) return SHORT;
  buf.writeDoubleLE(event.value, p);
  p = writeLong(buf, p + 8, event.timestamp);
  const attributes = event.attributes;
  // An absent optional field is written as its default, null: union branch 0.
  if (attributes === undefined || attributes === null) buf[p++] = 0;
  else {
    buf[p++] = 2; // branch 1 (the map), zig-zag encoded
    // The keys avsc writes, `Object.keys` (own, enumerable, in its order), listed by for-in over
    // the object's cached keys instead of an array allocated per record. The block count comes
    // first but is known last: one byte is kept for it (any count under 64), more made if needed.
    const countAt = p++;
    let n = 0;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      n++;
      p = writeString(buf, p, key);
      if (p < 0) return SHORT;
      p = writeString(buf, p, attributes[key]!);
      if (p < 0) return SHORT;
    }
    if (n === 0) p = countAt;
    else if (n < 64) buf[countAt] = n << 1;
    else {
      const extra = longBytes(n) - 1;
      if (p + extra > end) return SHORT;
      buf.copyWithin(countAt + 1 + extra, countAt + 1, p);
      writeLong(buf, countAt, n);
      p += extra;
    }
    if (p + 1 > end) return SHORT;
    buf[p++] = 0; // end of map blocks
  }
  if (shape === 'without-unit') return p;
  const unit = event.unit;
  if (p + 1 > end) return SHORT;
  if (unit === undefined || unit === null) {
    buf[p++] = 0;
    return p;
  }
  buf[p++] = 2;
  return writeString(buf, p, unit);
}

/**
 * An upper bound of the body's size, for sizing a buffer after {@link writeTelemetryBody}
 * reported a short one: 3 bytes per UTF-16 unit covers any UTF-8, 10 bytes any varint.
 */
export function telemetryBodyBound(event: TelemetryEvent): number {
  const string = (s: string) => 10 + 3 * s.length;
  // Strings, 8 bytes of double, 10 of long, 2 union indexes, 2 map block counts.
  let bytes = string(event.eventId) + string(event.source) + string(event.metric) + 8 + 10;
  bytes += 2 + 20;
  const attributes = event.attributes;
  if (attributes !== undefined && attributes !== null) {
    for (const key of Object.keys(attributes)) bytes += string(key) + string(attributes[key]!);
  }
  if (typeof event.unit === 'string') bytes += string(event.unit);
  return bytes;
}

/**
 * avsc's `Tap#writeLong` (zig-zag, then a varint), without the Tap: the caller ensures 10 bytes
 * of room. Beyond 31 bits avsc divides a double by 128 per byte; the same bytes come from two
 * integer halves of the zig-zag value, with integer arithmetic only.
 */
function writeLong(buf: Buffer, offset: number, n: number): number {
  let p = offset;
  if (n >= -1073741824 && n < 1073741824) {
    // Fits 31 bits: integer arithmetic.
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      buf[p++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    buf[p++] = m;
    return p;
  }
  // The same expression as avsc, so an odd value above 2^53 rounds the same way.
  const zz = n >= 0 ? n * 2 : -n * 2 - 1;
  // zz >= 2^31 here, so the low 28 bits take four bytes and the high part at least one more.
  let high = Math.floor(zz / 0x10000000);
  const low = zz - high * 0x10000000;
  buf[p++] = (low & 0x7f) | 0x80;
  buf[p++] = ((low >>> 7) & 0x7f) | 0x80;
  buf[p++] = ((low >>> 14) & 0x7f) | 0x80;
  buf[p++] = ((low >>> 21) & 0x7f) | 0x80;
  while (high > 0x7f) {
    buf[p++] = (high & 0x7f) | 0x80;
    high >>>= 7;
  }
  buf[p++] = high;
  return p;
}

/** Bytes of a non-negative long's zig-zag varint. */
function longBytes(n: number): number {
  let bytes = 1;
  for (let zz = n * 2; zz > 0x7f; zz = Math.floor(zz / 128)) bytes++;
  return bytes;
}

/** A string as avsc writes it (length, then UTF-8), or {@link SHORT}. */
function writeString(buf: Buffer, offset: number, s: string): number {
  const n = s.length;
  // Short ASCII, by far the common case: the length is one byte and every unit one byte.
  if (n < 64 && offset + 1 + n <= buf.length) {
    let p = offset + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[p++] = c;
    }
    if (i === n) {
      buf[offset] = n << 1;
      return p;
    }
  }
  return writeUtf8String(buf, offset, s);
}

function writeUtf8String(buf: Buffer, offset: number, s: string): number {
  const len = Buffer.byteLength(s, 'utf8');
  if (offset + 10 + len > buf.length) return SHORT;
  const p = writeLong(buf, offset, len);
  if (len > 64) {
    buf.write(s, p, len, 'utf8');
    return p + len;
  }
  // avsc's own loop for short strings, kept so a lone surrogate gets the same bytes as avsc
  // writes (its 3-byte form; `Buffer#write` would write U+FFFD instead).
  let o = p;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) buf[o++] = c;
    else if (c < 0x800) {
      buf[o++] = (c >> 6) | 0xc0;
      buf[o++] = (c & 0x3f) | 0x80;
    } else if ((c & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c & 0x03ff) << 10) + (s.charCodeAt(i + 1) & 0x03ff);
      i++;
      buf[o++] = (c >> 18) | 0xf0;
      buf[o++] = ((c >> 12) & 0x3f) | 0x80;
      buf[o++] = ((c >> 6) & 0x3f) | 0x80;
      buf[o++] = (c & 0x3f) | 0x80;
    } else {
      buf[o++] = (c >> 12) | 0xe0;
      buf[o++] = ((c >> 6) & 0x3f) | 0x80;
      buf[o++] = (c & 0x3f) | 0x80;
    }
  }
  return p + len;
}
