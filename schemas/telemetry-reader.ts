/**
 * A straight-line reader for the body of the current `TelemetryEvent` version, the processor's
 * hot path: no avsc Tap dispatch per field, and no string made until one is asked for: a reader
 * that works on bytes (the processor) reads the spans, and `source`, `metric` and `unit` (a few
 * hundred distinct values where event ids are unique) are interned when they are made, so that
 * a batch does not allocate the same strings again for every record.
 *
 * It is only used for records whose writer is the reader version itself, and only when that
 * version has exactly the field list below (checked when the codec is built; a new version
 * simply goes through avsc until this file learns it). It reproduces avsc's reads: zig-zag
 * varints with avsc's arithmetic, strings as `utf8Slice`, doubles as `readDoubleLE` does
 * (little-endian IEEE 754), and the attribute map through avsc's own reader. It never decides an error: whatever is not the plain
 * case (a bound crossed, a length below zero, an unknown branch, trailing bytes) returns false,
 * and the caller decodes the record through avsc, which gives the value or the exact error.
 */

import type avro from 'avsc';
import avscUtils, { type Tap } from 'avsc/lib/utils.js';
import { wordsOf } from './byte-words.ts';
import { type SlicingBuffer, StringInterner } from './string-intern.ts';

/** The reader schema's fields as avsc's `schema()` prints them: what this reader reads. */
const FIELDS_JSON = JSON.stringify([
  { name: 'eventId', type: 'string' },
  { name: 'source', type: 'string' },
  { name: 'metric', type: 'string' },
  { name: 'value', type: 'double' },
  { name: 'timestamp', type: 'long' },
  { name: 'attributes', type: ['null', { type: 'map', values: 'string' }] },
  { name: 'unit', type: ['null', 'string'] },
]);

/** avsc's `isSafeLong` bound. */
const MAX_SAFE_LONG = 9007199254740990;

interface MapReader {
  _read(tap: Tap): unknown;
}

/** The fields of one decoded `TelemetryEvent`, as `TelemetryBodyReader` leaves them. */
export interface TelemetryFields {
  readonly eventId: string;
  readonly source: string;
  readonly metric: string;
  readonly value: number;
  readonly timestamp: number;
  readonly attributes: Readonly<Record<string, string>> | null;
  readonly unit: string | null;
}

/**
 * Where the strings of the body just read lie in its buffer, for a caller that works on bytes
 * (the processor hashes event ids and keys series by their bytes, and makes strings only for
 * what it reports or stores).
 */
export interface TelemetrySpans extends TelemetryFields {
  readonly buf: Buffer;
  readonly eventIdStart: number;
  readonly eventIdEnd: number;
  readonly sourceStart: number;
  readonly sourceEnd: number;
  readonly metricStart: number;
  readonly metricEnd: number;
}

/**
 * The fields of one decoded body, overwritten by every `read` (a flyweight). Numbers and the
 * optional fields are read by `read`; the three strings only when asked for, once per read.
 */
export class TelemetryBodyReader implements TelemetrySpans {
  buf: Buffer = Buffer.alloc(0);
  eventIdStart = 0;
  eventIdEnd = 0;
  sourceStart = 0;
  sourceEnd = 0;
  metricStart = 0;
  metricEnd = 0;
  value = 0;
  timestamp = 0;
  attributes: Record<string, string> | null = null;
  unit: string | null = null;

  #eventId: string | undefined;
  #source: string | undefined;
  #metric: string | undefined;
  #view = wordsOf(this.buf);
  #pos = 0;
  #ok = true;
  readonly #interned = new StringInterner();
  readonly #tap = new avscUtils.Tap(Buffer.alloc(0));
  readonly #attributes: MapReader;

  private constructor(attributes: MapReader) {
    this.#attributes = attributes;
  }

  /** A reader for `type`, or undefined when `type` is not the version this reader knows. */
  static for(type: avro.Type): TelemetryBodyReader | undefined {
    const schema = type.schema() as { fields?: unknown };
    if (JSON.stringify(schema.fields) !== FIELDS_JSON) return undefined;
    const fields = (type as unknown as { fields: { type: { types: MapReader[] } }[] }).fields;
    return new TelemetryBodyReader(fields[5]!.type.types[1]!);
  }

  get eventId(): string {
    this.#eventId ??= (this.buf as SlicingBuffer).utf8Slice(this.eventIdStart, this.eventIdEnd);
    return this.#eventId;
  }

  /** Interned: the same string object for the same bytes. */
  get source(): string {
    this.#source ??= this.#interned.intern(this.buf, this.sourceStart, this.sourceEnd);
    return this.#source;
  }

  /** Interned, as `source`. */
  get metric(): string {
    this.#metric ??= this.#interned.intern(this.buf, this.metricStart, this.metricEnd);
    return this.#metric;
  }

  /** Reads the body at `buf[pos, end)`; false when avsc must decide (see the module comment). */
  read(buffer: Buffer, pos: number, end: number): boolean {
    const buf = buffer as SlicingBuffer;
    // Consecutive reads are mostly user records of one Kinesis record: one view for all.
    if (buf !== this.buf) {
      this.buf = buf;
      this.#view = wordsOf(buf);
    }
    this.#eventId = undefined;
    this.#source = undefined;
    this.#metric = undefined;
    this.#pos = pos;
    this.#ok = true;
    this.eventIdEnd = this.#string(buf, end);
    this.eventIdStart = this.#from;
    this.sourceEnd = this.#string(buf, end);
    this.sourceStart = this.#from;
    this.metricEnd = this.#string(buf, end);
    this.metricStart = this.#from;
    if (!this.#ok || this.#pos + 8 > end) return false;
    this.value = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    this.timestamp = this.#long(buf, end);
    // avsc's LongType throws beyond its safe range ("potential precision loss"): let it.
    if (!(this.timestamp >= -MAX_SAFE_LONG && this.timestamp <= MAX_SAFE_LONG)) return false;
    const attributes = this.#long(buf, end);
    if (attributes === 0) this.attributes = null;
    else if (attributes === 1 && this.#ok) this.attributes = this.#map(buf, end);
    else return false;
    const unit = this.#long(buf, end);
    if (unit === 0) this.unit = null;
    else if (unit === 1) {
      const unitEnd = this.#string(buf, end);
      if (this.#ok) this.unit = this.#interned.intern(buf, this.#from, unitEnd);
    } else return false;
    return this.#ok && this.#pos === end;
  }

  /** avsc's `readLong`, bounded by `end` and by 10 bytes. */
  #long(buf: SlicingBuffer, end: number): number {
    let pos = this.#pos;
    let n = 0;
    let k = 0;
    let b: number;
    do {
      if (pos >= end) return this.#fail();
      b = buf[pos++]!;
      n |= (b & 0x7f) << k;
      k += 7;
    } while (b & 0x80 && k < 28);
    if (b & 0x80) {
      let f = n;
      let fk = 268435456;
      do {
        if (pos >= end || k >= 70) return this.#fail();
        b = buf[pos++]!;
        f += (b & 0x7f) * fk;
        fk *= 128;
        k += 7;
      } while (b & 0x80);
      this.#pos = pos;
      return (f % 2 ? -(f + 1) : f) / 2;
    }
    this.#pos = pos;
    return (n >> 1) ^ -(n & 1);
  }

  /** Start of the last string `#string` skipped. */
  #from = 0;

  /** Skips a string: its end is returned, its start left in `#from`. */
  #string(buf: SlicingBuffer, end: number): number {
    const length = this.#long(buf, end);
    const start = this.#pos;
    if (!this.#ok || length < 0 || length > end - start) {
      this.#from = start;
      this.#fail();
      return start;
    }
    this.#from = start;
    this.#pos = start + length;
    return this.#pos;
  }

  #map(buf: SlicingBuffer, end: number): Record<string, string> | null {
    const tap = this.#tap;
    tap.buf = buf;
    tap.pos = this.#pos;
    let value: unknown;
    try {
      value = this.#attributes._read(tap);
    } catch {
      this.#fail();
      return null;
    }
    // Past `end` it read bytes of the next record: avsc must decide on the exact view.
    if (tap.pos > end) this.#fail();
    this.#pos = tap.pos;
    return value as Record<string, string>;
  }

  #fail(): number {
    this.#ok = false;
    return 0;
  }
}
