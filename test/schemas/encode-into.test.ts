import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCodec,
  decodeTelemetryEvent,
  encodeTelemetryEvent,
  MIN_EXACT_LONG,
} from '../../schemas/codec.ts';
import { MAX_EXACT_LONG, uncheckedTelemetryWriter } from '../../schemas/encode-into.ts';
import { SCHEMA_HISTORY } from '../../schemas/generated/catalog.ts';
import { directShapeOf } from '../../schemas/telemetry-writer.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { telemetryEventFactory } from './fixtures.ts';

const VERSIONS = SCHEMA_HISTORY.TelemetryEvent.map((_, i) => i + 1);
const codecs = VERSIONS.map((v) => createCodec({ writerVersions: { TelemetryEvent: v } }));

/** Strings of every kind: ASCII, any UTF-16 (lone surrogates too), long ones either side of 64. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  fc.string({ minLength: 60, maxLength: 140 }),
  fc.string({ unit: 'binary', minLength: 20, maxLength: 70 }),
);
/**
 * Every value avsc's isValid takes (NaN included), within the longs avsc writes exactly. Optional
 * fields may also be present as undefined (not a `TelemetryEvent` under exact optional types,
 * but what a hand-built object can hold), hence the cast.
 */
const validEvent = fc.record(
  {
    eventId: text,
    source: text,
    metric: text,
    value: fc.oneof(fc.double(), fc.constantFrom(-0, Number.NaN, Number.MAX_VALUE)),
    timestamp: fc.oneof(
      fc.integer({ min: MIN_EXACT_LONG, max: MAX_EXACT_LONG }),
      fc.constantFrom(0, -0, -1, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), MIN_EXACT_LONG, MAX_EXACT_LONG),
    ),
    attributes: fc.oneof(
      fc.constantFrom(null, undefined),
      fc.dictionary(text, text, { maxKeys: 5 }),
      fc.dictionary(fc.string(), text, { minKeys: 64, maxKeys: 70 }),
    ),
    unit: fc.oneof(fc.constantFrom(null, undefined), text),
  },
  { requiredKeys: ['eventId', 'source', 'metric', 'value', 'timestamp'] },
) as fc.Arbitrary<TelemetryEvent>;

describe('uncheckedTelemetryWriter', () => {
  it('writes every published version with the hand-written writer', () => {
    // A new version falls back to avsc (correct, slower): teach telemetry-writer.ts its shape.
    expect(codecs.map((codec) => uncheckedTelemetryWriter(codec).kind)).toEqual(
      VERSIONS.map(() => 'direct'),
    );
  });

  it('writes the same bytes as the checked codec, for every published version', () => {
    fc.assert(
      fc.property(validEvent, fc.nat(40), (event, offset) => {
        for (const codec of codecs) {
          const writer = uncheckedTelemetryWriter(codec);
          const expected = codec.encodeTelemetryEvent(event);
          const buf = Buffer.alloc(offset + expected.length + 10);
          const end = writer.writeInto(event, buf, offset);
          expect(end).toBe(offset + expected.length);
          expect(buf.subarray(offset, end).equals(expected)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reports a short buffer with a size that is enough, and writes nothing past its end', () => {
    // Room checks are per field and round up (a varint counts 10 bytes): under 10 bytes of slack.
    const writer = uncheckedTelemetryWriter();
    fc.assert(
      fc.property(validEvent, fc.nat(300), (event, room) => {
        // arrange: `room` bytes of a larger buffer, the rest a sentinel
        const backing = Buffer.alloc(room + 64, 0xee);
        const buf = backing.subarray(0, room);
        // act
        const end = writer.writeInto(event, buf, 0);
        // assert
        expect(backing.subarray(room).every((b) => b === 0xee)).toBe(true);
        const length = encodeTelemetryEvent(event).length;
        if (end >= 0) expect(end).toBe(length);
        else {
          expect(room).toBeLessThan(length + 10);
          const retry = Buffer.alloc(-end);
          expect(writer.writeInto(event, retry, 0)).toBe(length);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('writes only own attribute keys, as avsc does, whatever the prototype holds', () => {
    // arrange: an enumerable key on the prototype, which for-in sees and Object.keys does not
    const attributes = Object.assign(Object.create({ inherited: 'x' }), { own: 'y', '7': 'z' });
    const event = telemetryEventFactory({ attributes });
    const buf = Buffer.alloc(256);
    // act
    const end = uncheckedTelemetryWriter().writeInto(event, buf, 0);
    // assert
    expect(buf.subarray(0, end).equals(encodeTelemetryEvent(event))).toBe(true);
    expect(decodeTelemetryEvent(buf.subarray(0, end)).attributes).toEqual({ '7': 'z', own: 'y' });
  });

  it('writes records the decoder reads back', () => {
    const event = telemetryEventFactory({ attributes: { région: 'eu-west-1' }, unit: 'ms' });
    const buf = Buffer.alloc(256);
    const end = uncheckedTelemetryWriter().writeInto(event, buf, 7);
    expect(decodeTelemetryEvent(buf.subarray(7, end))).toEqual(event);
  });

  it('falls back to avsc for a shape it does not know, with the same bytes', () => {
    // arrange: a made-up third version with one more field
    const v2 = SCHEMA_HISTORY.TelemetryEvent[1] as { fields: readonly unknown[] };
    const v3 = { ...v2, fields: [...v2.fields, { name: 'seq', type: 'long', default: 0 }] };
    const history = { ...SCHEMA_HISTORY, TelemetryEvent: [...SCHEMA_HISTORY.TelemetryEvent, v3] };
    const codec = createCodec({ history });
    const writer = uncheckedTelemetryWriter(codec);
    const event = telemetryEventFactory();
    // act
    const small = Buffer.alloc(20);
    const short = writer.writeInto(event, small, 3);
    const buf = Buffer.alloc(-short);
    const end = writer.writeInto(event, buf, 0);
    // assert
    expect(writer.kind).toBe('avsc');
    expect(directShapeOf(writer.schema.type)).toBeUndefined();
    expect(buf.subarray(0, end).equals(codec.encodeTelemetryEvent(event))).toBe(true);
  });
});
