import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeArena } from '../../ingest/encode-arena.ts';
import { type ValidationLimits, validateTelemetryEvent } from '../../ingest/validate.ts';
import { decodeTelemetryEvent, defaultCodec, encodeTelemetryEvent } from '../../schemas/codec.ts';
import { MAX_EXACT_LONG, uncheckedTelemetryWriter } from '../../schemas/encode-into.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';

// Ingest encodes accepted records without avsc's isValid: this is the proof obligation.
const versions = defaultCodec.registry.all().filter((known) => known.name === 'TelemetryEvent');

/** Mostly well-formed values, then the edges either side checks, then anything at all. */
const edgeNumber = fc.constantFrom(
  0,
  -0,
  -1,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  MAX_EXACT_LONG,
  MAX_EXACT_LONG + 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -(2 ** 53),
  1e300,
);
const anyValue = fc.oneof(
  fc.constantFrom(null, undefined, true, false, '', '1'),
  edgeNumber,
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(
    fc.string({ maxLength: 3 }),
    fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    {
      maxKeys: 3,
    },
  ),
  fc.anything(),
);
const field = <T>(likely: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: likely }, { weight: 1, arbitrary: anyValue });
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 30, maxLength: 80 }) },
);
const value = fc.oneof({ weight: 8, arbitrary: fc.double() }, { weight: 1, arbitrary: edgeNumber });
const timestamp = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 2_000_000_000_000 }) },
  { weight: 2, arbitrary: fc.maxSafeInteger() },
  { weight: 2, arbitrary: edgeNumber },
);
const attributes = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(undefined, null) },
  {
    weight: 8,
    arbitrary: fc.dictionary(
      fc.oneof(
        { weight: 9, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
        { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', '') },
      ),
      field(text),
      { maxKeys: 3 },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);
const candidate = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        eventId: field(text),
        source: field(text),
        metric: field(text),
        value: field(value),
        timestamp: field(timestamp),
        attributes,
        unit: fc.oneof(fc.constantFrom(undefined, null), field(text)),
        extra: anyValue,
      },
      { requiredKeys: ['eventId', 'source', 'metric', 'value', 'timestamp'] },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);
const limits: fc.Arbitrary<ValidationLimits> = fc.record({
  maxFutureSkewMillis: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
  maxEventIdLength: fc.integer({ min: 1, max: 100 }),
  maxSourceLength: fc.integer({ min: 1, max: 100 }),
  maxMetricLength: fc.integer({ min: 1, max: 100 }),
  maxAttributes: fc.integer({ min: 0, max: 10 }),
  maxAttributeKeyLength: fc.integer({ min: 1, max: 100 }),
  maxAttributeValueLength: fc.integer({ min: 0, max: 100 }),
  maxUnitLength: fc.integer({ min: 1, max: 100 }),
});
const now = fc.oneof(
  fc.integer({ min: 1_700_000_000_000, max: 2_000_000_000_000 }),
  fc.maxSafeInteger(),
  fc.constant(Number.MAX_SAFE_INTEGER),
);

const LIMITS: ValidationLimits = {
  maxFutureSkewMillis: 0,
  maxEventIdLength: 9,
  maxSourceLength: 9,
  maxMetricLength: 9,
  maxAttributes: 1,
  maxAttributeKeyLength: 9,
  maxAttributeValueLength: 9,
  maxUnitLength: 9,
};

describe('validateTelemetryEvent against the Avro schemas', () => {
  it('accepts only what avsc isValid accepts, for every published TelemetryEvent version', () => {
    expect(versions.length).toBeGreaterThanOrEqual(2);
    let accepted = 0;
    fc.assert(
      fc.property(candidate, limits, now, (input, l, nowMillis) => {
        const verdict = validateTelemetryEvent(input, l, nowMillis);
        if (!verdict.ok) return;
        accepted++;
        for (const known of versions) {
          const paths: string[] = [];
          const valid = known.type.isValid(verdict.event, {
            errorHook: (path: readonly string[]) => paths.push(path.join('.')),
          });
          expect({ version: known.version, valid, paths }).toEqual({
            version: known.version,
            valid: true,
            paths: [],
          });
        }
      }),
      { numRuns: 3000 },
    );
    // The property says nothing if the generator never produces accepted records.
    expect(accepted).toBeGreaterThan(300);
  });

  it('encodes accepted records to the same bytes as the checked codec', () => {
    fc.assert(
      fc.property(candidate, limits, now, (input, l, nowMillis) => {
        const verdict = validateTelemetryEvent(input, l, nowMillis);
        if (!verdict.ok) return;
        // A tiny arena so most records also take the new-buffer path.
        const arena = new EncodeArena({ writer: uncheckedTelemetryWriter(), expectedRecords: 1 });
        const first = Buffer.from(arena.encode(verdict.event));
        const second = arena.encode(verdict.event);
        const checked = encodeTelemetryEvent(verdict.event);
        expect(first.equals(checked)).toBe(true);
        expect(second.equals(checked)).toBe(true);
        const decoded: TelemetryEvent = decodeTelemetryEvent(second);
        expect(decoded.eventId).toBe(verdict.event.eventId);
        expect(decoded.timestamp === verdict.event.timestamp).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('checks own attribute keys only, as avsc does', () => {
    const attributes = Object.assign(Object.create({ inherited: 1 }), { own: 'y' });
    const event = { eventId: 'e', source: 's', metric: 'm', value: 1, timestamp: 0, attributes };
    const limits = { ...LIMITS, maxAttributes: 1 };
    expect(validateTelemetryEvent(event, limits, 0).ok).toBe(true);
    expect(versions.every((known) => known.type.isValid(event))).toBe(true);
  });

  it('refuses a timestamp avsc cannot write, however far the skew reaches', () => {
    const limitsWide = { ...LIMITS, maxFutureSkewMillis: Number.MAX_SAFE_INTEGER };
    const event = { eventId: 'e', source: 's', metric: 'm', value: 1 };
    const at = (timestamp: number) =>
      validateTelemetryEvent({ ...event, timestamp }, limitsWide, Number.MAX_SAFE_INTEGER).ok;
    expect(at(MAX_EXACT_LONG)).toBe(true);
    expect(at(MAX_EXACT_LONG + 1)).toBe(false);
  });
});
