/**
 * Per-record validation of a telemetry event against the schema and the ingest policy (lengths,
 * a timestamp not too far ahead). A record is judged alone, so one bad record never fails its
 * neighbours; the reason names the field and what was expected.
 */

import { MAX_EXACT_LONG } from '../schemas/encode-into.ts';
import type { TelemetryEvent } from '../schemas/types.ts';

/** The limits {@link validateTelemetryEvent} applies. */
export interface ValidationLimits {
  readonly maxFutureSkewMillis: number;
  readonly maxEventIdLength: number;
  readonly maxSourceLength: number;
  readonly maxMetricLength: number;
  readonly maxAttributes: number;
  readonly maxAttributeKeyLength: number;
  readonly maxAttributeValueLength: number;
  readonly maxUnitLength: number;
}

/** A record's verdict. */
export type Validation =
  | { readonly ok: true; readonly event: TelemetryEvent }
  | { readonly ok: false; readonly reason: string };

/** Keeps reasons short when they quote what was received. */
function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function invalidString(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string')
    return `must be a string, got ${value === undefined ? 'nothing' : show(value)}`;
  if (value.length === 0) return 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters, got ${value.length}`;
  return undefined;
}

/**
 * Validates one decoded record (from JSON or Avro). Unknown fields are ignored and never reach
 * Kinesis: the Avro encoder writes the schema's fields only.
 *
 * Acceptance implies avsc's `isValid` for every published `TelemetryEvent` version, which is
 * why ingest encodes accepted records unchecked (`schemas/encode-into.ts`). Field by field,
 * against what avsc 5.7 checks (`lib/types.js`, the `_check` of each type):
 * - record: avsc wants `typeof v === 'object' && v !== null`; here also not an array. Extra
 *   fields are ignored by both (no `errorOnExtraFields`).
 * - `eventId`, `source`, `metric` (string): avsc wants `typeof === 'string'`; here also
 *   non-empty and length-capped.
 * - `value` (double): avsc wants `typeof === 'number'`; here also finite (avsc would take
 *   NaN and Infinity, which downstream arithmetic must never see).
 * - `timestamp` (long): avsc wants an integer within ±(2^53 - 2) (`isSafeLong`); here a
 *   non-negative safe integer at most {@link MAX_EXACT_LONG}, so also above `MIN_EXACT_LONG`.
 * - `attributes` (union null | map<string>, default null): avsc takes undefined (the default),
 *   null, or a non-array object whose every `Object.keys` value is a string; here the same,
 *   with limits on the count and lengths and no `__proto__` key.
 * - `unit` (union null | string, default null, v2 on; v1 ignores it): avsc takes undefined,
 *   null or a string; here the same, non-empty and capped.
 * Each field is read once here and once by avsc; inputs are plain data (JSON.parse or Avro
 * decode output, no getters), so both see the same values. The property test
 * `test/ingest/validate-implies-avro.test.ts` feeds random objects to both and fails if a future
 * schema version adds a check this function does not make.
 *
 * @param nowMillis the server's clock, for the future-skew check
 */
export function validateTelemetryEvent(
  input: unknown,
  limits: ValidationLimits,
  nowMillis: number,
): Validation {
  const reason = telemetryEventProblem(input, limits, nowMillis);
  // The checked object itself goes on to the encoder, which writes the schema's fields only:
  // copying every record would cost an allocation per record on the hot path for nothing.
  return reason === undefined
    ? { ok: true, event: input as TelemetryEvent }
    : { ok: false, reason };
}

/**
 * {@link validateTelemetryEvent} without the verdict object: the reason a record is refused, or
 * undefined when it is accepted (then `input` is a `TelemetryEvent`). For loops over every
 * record of a request, where an object per record adds garbage-collection work.
 */
export function telemetryEventProblem(
  input: unknown,
  limits: ValidationLimits,
  nowMillis: number,
): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return `record must be an object, got ${show(input)}`;
  }
  // Fields are read as own data of a JSON.parse or Avro object: prototypes are Object.prototype
  // (JSON.parse turns "__proto__" into an own key, never a prototype), so nothing inherited leaks in.
  const r = input as Record<string, unknown>;
  const eventId = r.eventId;
  let problem = invalidString(eventId, limits.maxEventIdLength);
  if (problem) return `eventId: ${problem}`;
  const source = r.source;
  problem = invalidString(source, limits.maxSourceLength);
  if (problem) return `source: ${problem}`;
  const metric = r.metric;
  problem = invalidString(metric, limits.maxMetricLength);
  if (problem) return `metric: ${problem}`;
  const value = r.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `value: must be a finite number, got ${value === undefined ? 'nothing' : show(value)}`;
  }
  const timestamp = r.timestamp;
  if (
    typeof timestamp !== 'number' ||
    !Number.isSafeInteger(timestamp) ||
    timestamp < 0 ||
    timestamp > MAX_EXACT_LONG
  ) {
    return `timestamp: must be epoch milliseconds, a non-negative integer, got ${timestamp === undefined ? 'nothing' : show(timestamp)}`;
  }
  if (timestamp > nowMillis + limits.maxFutureSkewMillis) {
    return `timestamp: ${timestamp} is ${timestamp - nowMillis} ms ahead of the server clock; at most ${limits.maxFutureSkewMillis} ms allowed`;
  }
  const unit = r.unit;
  if (unit !== undefined && unit !== null) {
    problem = invalidString(unit, limits.maxUnitLength);
    if (problem) return `unit: ${problem} (or null)`;
  }
  const attributes = r.attributes;
  if (attributes !== undefined && attributes !== null) {
    const attributeProblem = invalidAttributes(attributes, limits);
    if (attributeProblem) return `attributes${attributeProblem}`;
  }
  return undefined;
}

function invalidAttributes(attributes: unknown, limits: ValidationLimits): string | undefined {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    return `: must be an object of strings or null, got ${show(attributes)}`;
  }
  // Own enumerable keys, what Object.keys (and avsc) lists, walked by for-in over the object's
  // cached key list instead of an array per record. One pass: a count over the limit is
  // reported first, as it is the first thing to fix; else the first bad entry.
  const map = attributes as Record<string, unknown>;
  let count = 0;
  let problem: string | undefined;
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    count++;
    problem ??= invalidAttribute(key, map[key], limits);
  }
  if (count > limits.maxAttributes)
    return `: at most ${limits.maxAttributes} entries, got ${count}`;
  return problem;
}

function invalidAttribute(key: string, v: unknown, limits: ValidationLimits): string | undefined {
  // A key named __proto__ is harmless here (an own key of a JSON.parse object) but would be
  // dropped, or worse, by readers that copy maps into plain objects: refuse it up front.
  if (key === '__proto__') return '.__proto__: is a reserved key';
  if (key.length === 0) return ': keys must not be empty';
  if (key.length > limits.maxAttributeKeyLength) {
    return `: key of ${key.length} characters, at most ${limits.maxAttributeKeyLength} allowed`;
  }
  if (typeof v !== 'string')
    return `.${key.length > 40 ? `${key.slice(0, 40)}…` : key}: must be a string, got ${show(v)}`;
  if (v.length > limits.maxAttributeValueLength) {
    return `.${key.length > 40 ? `${key.slice(0, 40)}…` : key}: at most ${limits.maxAttributeValueLength} characters, got ${v.length}`;
  }
  return undefined;
}
