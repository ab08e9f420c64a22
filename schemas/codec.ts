/**
 * The pipeline's record codec: Avro single-object encoding with the published schemas.
 *
 * Writers write one version of each schema (the newest unless pinned); readers accept every
 * published version, found by the fingerprint in the header, and resolve it to their reader
 * version (the newest unless pinned). `compatibility.ts` guarantees every pair resolves, so
 * producers and consumers can be deployed in any order once both know a version.
 *
 * @example
 * ```ts
 * const bytes = encodeTelemetryEvent({ eventId: 'e1', source: 'dev-1', metric: 'cpu', value: 0.5, timestamp: Date.now() });
 * const event = decodeTelemetryEvent(bytes); // throws SchemaDecodeError on bad input
 * // During a rollout of a new version, keep writing the previous one:
 * const pinned = createCodec({ writerVersions: { TelemetryEvent: 1 } });
 * ```
 */

import { SchemaEncodeError } from './errors.ts';
import {
  type KnownSchema,
  type SchemaName,
  SchemaRegistry,
  type SchemaRegistryOptions,
} from './registry.ts';
import { asBuffer, readSingleObject, writeSingleObject } from './single-object.ts';
import {
  type TelemetryFieldsReader,
  type TelemetrySpansReader,
  telemetryDecoders,
} from './telemetry-decoder.ts';
import type { TelemetryEvent } from './types.ts';

export type { SchemaName, SchemaRegistryOptions } from './registry.ts';
export type { TelemetryFields, TelemetrySpans } from './telemetry-decoder.ts';

/** A decoded record of any known schema. */
export interface DecodedAnyRecord {
  /** Which schema the record is (its value conforms to the codec's reader version). */
  readonly schema: SchemaName;
  /** The version that wrote it. */
  readonly writerVersion: number;
  readonly value: unknown;
}

/** Encoders and decoders bound to one `SchemaRegistry`. */
export interface Codec {
  /** @throws {SchemaEncodeError} when the event does not match the schema. */
  encodeTelemetryEvent(event: TelemetryEvent): Buffer;
  /** @throws {SchemaDecodeError} see the module-level `decodeTelemetryEvent`. */
  decodeTelemetryEvent(bytes: Uint8Array): TelemetryEvent;
  /** @throws {SchemaDecodeError} see the module-level `decodeTelemetryEventAt`. */
  decodeTelemetryEventAt(buf: Buffer, start: number, end: number): TelemetryEvent;
  /** @throws {SchemaDecodeError} see the module-level `readTelemetryFieldsAt`. */
  readTelemetryFieldsAt: TelemetryFieldsReader;
  /** Never throws: see the module-level `readTelemetrySpansAt`. */
  readTelemetrySpansAt: TelemetrySpansReader;
  /** @throws {SchemaEncodeError} when the value does not match the schema. */
  encodeRecord(schemaName: SchemaName, value: unknown): Buffer;
  /** @throws {SchemaDecodeError} see the module-level `decodeTelemetryEvent`. */
  decodeRecord(bytes: Uint8Array): DecodedAnyRecord;
  /** The registry the codec reads and writes with. */
  readonly registry: SchemaRegistry;
}

/**
 * The most negative long avsc writes exactly. Its zig-zag step (`-n * 2 - 1`) runs in floating
 * point beyond 2^30, so below -2^52 the result is odd and above 2^53: it rounds, and the record
 * decodes as a different (positive) number without any error. Positive longs are exact up to
 * avsc's own limit (2^53 - 2), which `isValid` already enforces.
 */
export const MIN_EXACT_LONG = -(2 ** 52);

function validated(known: KnownSchema, value: unknown): unknown {
  if (known.type.isValid(value)) {
    const fields = known.longFields;
    const record = value as Record<string, number>;
    let exact = true;
    // `!(x < min)` rather than `x >= min`: an omitted field with a default is fine.
    for (let i = 0; i < fields.length; i++) exact &&= !(record[fields[i]!]! < MIN_EXACT_LONG);
    if (exact) return value;
    const inexact = fields.filter((field) => record[field]! < MIN_EXACT_LONG);
    throw new SchemaEncodeError(
      `${known.name} v${known.version}`,
      inexact,
      `below ${MIN_EXACT_LONG}, which avsc cannot encode exactly`,
    );
  }
  // Only on failure: walk again to name every bad field (the hook costs on the hot path).
  const paths: string[] = [];
  known.type.isValid(value, {
    errorHook: (path: readonly string[]) => {
      paths.push(path.join('.'));
    },
  });
  throw new SchemaEncodeError(`${known.name} v${known.version}`, paths);
}

/**
 * Builds a codec. Build it once per process (module scope): building creates every resolver.
 *
 * @throws {RangeError} when a pinned version does not exist.
 */
export function createCodec(options: SchemaRegistryOptions = {}): Codec {
  const registry = new SchemaRegistry(options);
  const telemetry = registry.writer('TelemetryEvent');
  const inPlace = telemetryDecoders(registry);
  return {
    registry,
    encodeTelemetryEvent: (event) => writeSingleObject(telemetry, validated(telemetry, event)),
    // The processor's hot path: in place, no view, Tap or result object per record.
    decodeTelemetryEvent: (bytes) => inPlace.eventAt(asBuffer(bytes), 0, bytes.length),
    decodeTelemetryEventAt: inPlace.eventAt,
    readTelemetryFieldsAt: inPlace.fieldsAt,
    readTelemetrySpansAt: inPlace.spansAt,
    encodeRecord: (schemaName, value) => {
      const known = registry.writer(schemaName);
      return writeSingleObject(known, validated(known, value));
    },
    decodeRecord: (bytes) => {
      const { writer, value } = readSingleObject(registry, bytes);
      return { schema: writer.name, writerVersion: writer.version, value };
    },
  };
}

/** The process-wide codec: every published version known, newest written and read. */
export const defaultCodec: Codec = createCodec();

/**
 * Encodes a telemetry event as a single-object record of the newest `TelemetryEvent` version.
 *
 * @throws {SchemaEncodeError} when the event does not match the schema (names the fields).
 */
export const encodeTelemetryEvent: (event: TelemetryEvent) => Buffer =
  defaultCodec.encodeTelemetryEvent;

/**
 * Decodes a single-object record written by any published `TelemetryEvent` version into the
 * newest version (fields added since the writer's version take their defaults).
 *
 * @throws {SchemaDecodeError} on a bad marker, unknown fingerprint, truncated body, trailing
 *   bytes, an invalid body, or a record of another schema (`reason` says which).
 */
export const decodeTelemetryEvent: (bytes: Uint8Array) => TelemetryEvent =
  defaultCodec.decodeTelemetryEvent;

/**
 * {@link decodeTelemetryEvent} of the record at `buf[start, end)`, decoded in place: what the
 * processor uses on the user records of a KPL aggregated record, without a view per record.
 *
 * @throws {SchemaDecodeError} as `decodeTelemetryEvent(buf.subarray(start, end))` would.
 */
export const decodeTelemetryEventAt: (buf: Buffer, start: number, end: number) => TelemetryEvent =
  defaultCodec.decodeTelemetryEventAt;

/**
 * {@link decodeTelemetryEventAt} into a flyweight, for a caller that copies the fields out (the
 * processor's columns): no object per record. The fields hold until the next call.
 *
 * @throws {SchemaDecodeError} as `decodeTelemetryEventAt`.
 */
export const readTelemetryFieldsAt: TelemetryFieldsReader = defaultCodec.readTelemetryFieldsAt;

/**
 * The record at `buf[start, end)` as byte spans and numbers, without making a string, when it
 * is a plain record of the newest `TelemetryEvent` version; undefined otherwise, and then
 * {@link readTelemetryFieldsAt} gives the fields or the exact error. What the processor's hot
 * loop reads; the spans hold until the next call.
 */
export const readTelemetrySpansAt: TelemetrySpansReader = defaultCodec.readTelemetrySpansAt;

/**
 * Encodes `value` as a single-object record of the newest version of `schemaName`.
 *
 * @throws {SchemaEncodeError} when the value does not match the schema.
 */
export const encodeRecord: (schemaName: SchemaName, value: unknown) => Buffer =
  defaultCodec.encodeRecord;

/**
 * Decodes a single-object record of any published schema and version.
 *
 * @throws {SchemaDecodeError} see `decodeTelemetryEvent`.
 */
export const decodeRecord: (bytes: Uint8Array) => DecodedAnyRecord = defaultCodec.decodeRecord;
