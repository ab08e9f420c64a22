import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ValidationLimits, validateTelemetryEvent } from '../../ingest/validate.ts';
import { sampleEvent } from './support.ts';

const limits: ValidationLimits = {
  maxFutureSkewMillis: 300_000,
  maxEventIdLength: 128,
  maxSourceLength: 200,
  maxMetricLength: 256,
  maxAttributes: 4,
  maxAttributeKeyLength: 16,
  maxAttributeValueLength: 32,
  maxUnitLength: 8,
};
const NOW = 1_735_689_600_000;
const reasonOf = (input: unknown) => {
  const v = validateTelemetryEvent(input, limits, NOW);
  return v.ok ? 'ok' : v.reason;
};

describe('validateTelemetryEvent', () => {
  it('accepts a complete event, and one without the optional fields', () => {
    expect(reasonOf(sampleEvent(1))).toBe('ok');
    expect(reasonOf({ eventId: 'e', source: 's', metric: 'm', value: 0, timestamp: 0 })).toBe('ok');
    expect(reasonOf({ ...sampleEvent(1), attributes: null, unit: null })).toBe('ok');
    expect(reasonOf({ ...sampleEvent(1), unit: 'percent' })).toBe('ok');
  });

  it('names the missing or mistyped field', () => {
    expect(reasonOf({ ...sampleEvent(1), eventId: undefined })).toBe(
      'eventId: must be a string, got nothing',
    );
    expect(reasonOf({ ...sampleEvent(1), source: 7 })).toBe('source: must be a string, got 7');
    expect(reasonOf({ ...sampleEvent(1), metric: '' })).toBe('metric: must not be empty');
    expect(reasonOf({ ...sampleEvent(1), value: '1' })).toMatch(/^value: must be a finite number/);
    expect(reasonOf({ ...sampleEvent(1), timestamp: 1.5 })).toMatch(
      /^timestamp: must be epoch milliseconds/,
    );
    expect(reasonOf({ ...sampleEvent(1), timestamp: -1 })).toMatch(/^timestamp:/);
    expect(reasonOf({ ...sampleEvent(1), unit: 3 })).toMatch(/^unit: must be a string/);
    expect(reasonOf([1])).toBe('record must be an object, got an array');
    expect(reasonOf(null)).toBe('record must be an object, got null');
  });

  it('refuses non-finite values', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(reasonOf({ ...sampleEvent(1), value })).toMatch(/^value:/);
    }
  });

  it('accepts a timestamp exactly at the allowed skew and refuses one millisecond more', () => {
    expect(reasonOf({ ...sampleEvent(1), timestamp: NOW + 300_000 })).toBe('ok');
    expect(reasonOf({ ...sampleEvent(1), timestamp: NOW + 300_001 })).toBe(
      'timestamp: 1735689900001 is 300001 ms ahead of the server clock; at most 300000 ms allowed',
    );
  });

  it('applies string lengths at their exact edges', () => {
    expect(reasonOf({ ...sampleEvent(1), eventId: 'x'.repeat(128) })).toBe('ok');
    expect(reasonOf({ ...sampleEvent(1), eventId: 'x'.repeat(129) })).toBe(
      'eventId: must be at most 128 characters, got 129',
    );
    expect(reasonOf({ ...sampleEvent(1), source: 'x'.repeat(201) })).toMatch(
      /^source: must be at most 200/,
    );
    expect(reasonOf({ ...sampleEvent(1), attributes: { k: 'v'.repeat(32) } })).toBe('ok');
    expect(reasonOf({ ...sampleEvent(1), attributes: { k: 'v'.repeat(33) } })).toBe(
      'attributes.k: at most 32 characters, got 33',
    );
    expect(
      reasonOf({ ...sampleEvent(1), attributes: { a: '1', b: '2', c: '3', d: '4', e: '5' } }),
    ).toBe('attributes: at most 4 entries, got 5');
    // Too many entries is reported before a bad entry, whatever the order.
    expect(
      reasonOf({ ...sampleEvent(1), attributes: { a: 1, b: '2', c: '3', d: '4', e: '5' } }),
    ).toBe('attributes: at most 4 entries, got 5');
    expect(reasonOf({ ...sampleEvent(1), attributes: { a: '1', b: 2, c: 3 } })).toBe(
      'attributes.b: must be a string, got 2',
    );
  });

  it('refuses attributes that are not an object of strings', () => {
    expect(reasonOf({ ...sampleEvent(1), attributes: ['a'] })).toMatch(
      /^attributes: must be an object/,
    );
    expect(reasonOf({ ...sampleEvent(1), attributes: { n: 1 } })).toBe(
      'attributes.n: must be a string, got 1',
    );
  });

  it('lets no __proto__ key pollute anything', () => {
    // arrange: JSON.parse makes "__proto__" an own key, never a prototype
    const top = JSON.parse(
      '{"eventId":"e","source":"s","metric":"m","value":1,"timestamp":1,"__proto__":{"polluted":true}}',
    );
    const nested = JSON.parse(
      '{"eventId":"e","source":"s","metric":"m","value":1,"timestamp":1,"attributes":{"__proto__":"x"}}',
    );
    // act / assert
    expect(reasonOf(top)).toBe('ok');
    expect(reasonOf(nested)).toBe('attributes.__proto__: is a reserved key');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof reasonOf(value)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});
