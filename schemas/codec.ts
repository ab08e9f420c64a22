/**
 * The pipeline's record codec: Avro single-object encoding with the published schemas.
 *
 * Writers always write the current version of a schema; readers accept every published version
 * (found by the fingerprint in the header) and resolve it to the current version, so producers
 * and consumers can be upgraded in any order (see `compatibility.ts` for the guarantee).
 *
 * @example
 * ```ts
 * const bytes = encodeTelemetryEvent({ eventId: 'e1', source: 'dev-1', metric: 'cpu', value: 0.5, timestamp: Date.now() });
 * const event = decodeTelemetryEvent(bytes); // throws SchemaDecodeError on bad input
 * ```
 */

import { SchemaEncodeError, WrongSchemaError } from './errors.ts';
import { currentSchema, type KnownSchema, type SchemaName } from './registry.ts';
import { readSingleObject, writeSingleObject } from './single-object.ts';
import type { TelemetryEvent } from './types.ts';

export type { SchemaName } from './registry.ts';

function validated(known: KnownSchema, value: unknown): unknown {
  if (known.type.isValid(value)) return value;
  // Only on failure: walk again to name every bad field (the hook costs on the hot path).
  const paths: string[] = [];
  known.type.isValid(value, {
    errorHook: (path: readonly string[]) => {
      paths.push(path.join('.'));
    },
  });
  throw new SchemaEncodeError(`${known.name} v${known.version}`, paths);
}

const TELEMETRY_EVENT = currentSchema('TelemetryEvent');

/**
 * Encodes a telemetry event as a single-object record of the current `TelemetryEvent` version.
 *
 * @throws {SchemaEncodeError} when the event does not match the schema (names the fields).
 */
export function encodeTelemetryEvent(event: TelemetryEvent): Buffer {
  return writeSingleObject(TELEMETRY_EVENT, validated(TELEMETRY_EVENT, event));
}

/**
 * Decodes a single-object record written by any published `TelemetryEvent` version into the
 * current version (fields added since the writer's version take their defaults).
 *
 * @throws {SchemaDecodeError} on a bad marker, unknown fingerprint, truncated body, trailing
 *   bytes, an invalid body, or a record of another schema (`reason` says which).
 */
export function decodeTelemetryEvent(bytes: Uint8Array): TelemetryEvent {
  const { writer, value } = readSingleObject(bytes);
  if (writer.name !== 'TelemetryEvent') {
    throw new WrongSchemaError('TelemetryEvent', writer.name, bytes.length);
  }
  return value as TelemetryEvent;
}

/**
 * Encodes `value` as a single-object record of the current version of `schemaName`.
 *
 * @throws {SchemaEncodeError} when the value does not match the schema.
 */
export function encodeRecord(schemaName: SchemaName, value: unknown): Buffer {
  const known = currentSchema(schemaName);
  return writeSingleObject(known, validated(known, value));
}

/** A decoded record of any known schema. */
export interface DecodedAnyRecord {
  /** Which schema the record is (its value conforms to the current version). */
  readonly schema: SchemaName;
  /** The version that wrote it. */
  readonly writerVersion: number;
  readonly value: unknown;
}

/**
 * Decodes a single-object record of any published schema and version.
 *
 * @throws {SchemaDecodeError} see `decodeTelemetryEvent`.
 */
export function decodeRecord(bytes: Uint8Array): DecodedAnyRecord {
  const { writer, value } = readSingleObject(bytes);
  return { schema: writer.name, writerVersion: writer.version, value };
}
