/**
 * The in-place `TelemetryEvent` decoders of a codec: the straight-line reader
 * (`telemetry-reader.ts`) for records of the reader version itself, avsc in place
 * (`read-at.ts`) for everything else, including every record the straight-line reader
 * declines. Both give the same values and, through avsc, the same errors.
 */

import { readRecordAt } from './read-at.ts';
import type { SchemaRegistry } from './registry.ts';
import { HEADER_BYTES, MARKER_0, MARKER_1 } from './single-object.ts';
import {
  TelemetryBodyReader,
  type TelemetryFields,
  type TelemetrySpans,
} from './telemetry-reader.ts';
import type { TelemetryEvent } from './types.ts';

export type { TelemetryFields, TelemetrySpans } from './telemetry-reader.ts';

/** Decodes `buf[start, end)` into a flyweight whose fields hold until the next call. */
export type TelemetryFieldsReader = (buf: Buffer, start: number, end: number) => TelemetryFields;

type RecordConstructor = new (...fields: unknown[]) => TelemetryEvent;

/**
 * The body at `buf[start, end)` as spans, when the straight-line reader could read it without
 * avsc (a record of the reader version, plain case); undefined otherwise: then `fieldsAt` gives
 * the fields or the exact error. Never throws. The spans hold until the next call.
 */
export type TelemetrySpansReader = (
  buf: Buffer,
  start: number,
  end: number,
) => TelemetrySpans | undefined;

/** The in-place decoders of one registry. */
export function telemetryDecoders(registry: SchemaRegistry): {
  readonly spansAt: TelemetrySpansReader;
  readonly fieldsAt: TelemetryFieldsReader;
  readonly eventAt: (buf: Buffer, start: number, end: number) => TelemetryEvent;
} {
  const own = registry.all().find((k) => k.name === 'TelemetryEvent' && k.type === k.reader);
  const body = own && TelemetryBodyReader.for(own.type);
  const lo = own?.lo;
  const hi = own?.hi;
  const fallback = { ...emptyFields() };
  const fast = (buf: Buffer, start: number, end: number): boolean =>
    body !== undefined &&
    end - start >= HEADER_BYTES &&
    buf[start] === MARKER_0 &&
    buf[start + 1] === MARKER_1 &&
    buf.readUInt32LE(start + 2) === lo &&
    buf.readUInt32LE(start + 6) === hi &&
    body.read(buf, start + HEADER_BYTES, end);
  const slow = (buf: Buffer, start: number, end: number): TelemetryEvent =>
    readRecordAt(registry, 'TelemetryEvent', buf, start, end) as TelemetryEvent;
  const Record = (
    registry.writer('TelemetryEvent').reader as unknown as {
      recordConstructor: RecordConstructor;
    }
  ).recordConstructor;
  return {
    spansAt: (buf, start, end) => (fast(buf, start, end) ? body : undefined),
    fieldsAt: (buf, start, end) => {
      if (fast(buf, start, end)) return body!;
      const event = slow(buf, start, end);
      fallback.eventId = event.eventId;
      fallback.source = event.source;
      fallback.metric = event.metric;
      fallback.value = event.value;
      fallback.timestamp = event.timestamp;
      fallback.attributes = event.attributes ?? null;
      fallback.unit = event.unit ?? null;
      return fallback;
    },
    eventAt: (buf, start, end) => {
      if (!fast(buf, start, end)) return slow(buf, start, end);
      const b = body!;
      return new Record(b.eventId, b.source, b.metric, b.value, b.timestamp, b.attributes, b.unit);
    },
  };
}

function emptyFields(): { -readonly [K in keyof TelemetryFields]: TelemetryFields[K] } {
  return {
    eventId: '',
    source: '',
    metric: '',
    value: 0,
    timestamp: 0,
    attributes: null,
    unit: null,
  };
}
