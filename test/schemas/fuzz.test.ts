import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  decodeTelemetryEvent,
  encodeTelemetryEvent,
  MIN_EXACT_LONG,
} from '../../schemas/codec.ts';
import { SchemaDecodeError } from '../../schemas/errors.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';

const telemetryEvent: fc.Arbitrary<TelemetryEvent> = fc.record(
  {
    eventId: fc.string(),
    source: fc.string({ unit: 'grapheme' }),
    metric: fc.string(),
    value: fc.double(), // NaN and ±Infinity included: Avro doubles carry them
    timestamp: fc.integer({ min: MIN_EXACT_LONG, max: 2 ** 53 - 2 }),
    attributes: fc.option(fc.dictionary(fc.string(), fc.string()), { nil: null }),
    unit: fc.option(fc.string(), { nil: null }),
  },
  { requiredKeys: ['eventId', 'source', 'metric', 'value', 'timestamp'] },
);

describe('codec properties', () => {
  it('decode(encode(e)) equals e, optional fields defaulting to null', () => {
    fc.assert(
      fc.property(telemetryEvent, (event) => {
        const decoded = decodeTelemetryEvent(encodeTelemetryEvent(event));
        expect(decoded).toEqual({ attributes: null, unit: null, ...event });
      }),
    );
  });

  it('any mutation of a valid record decodes or throws a SchemaDecodeError, nothing else', () => {
    fc.assert(
      fc.property(
        telemetryEvent,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: -3, max: 3 }),
        (event, flips, resize) => {
          const bytes = Buffer.from(encodeTelemetryEvent(event));
          for (const [at, byte] of flips) bytes[10 + (at % Math.max(bytes.length - 10, 1))] = byte;
          const mutated =
            resize < 0
              ? bytes.subarray(0, Math.max(bytes.length + resize, 0))
              : Buffer.concat([bytes, Buffer.alloc(resize)]);
          try {
            decodeRecord(mutated);
          } catch (error) {
            expect(error).toBeInstanceOf(SchemaDecodeError);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('random bytes behind a valid header never crash the decoder', () => {
    const header = encodeTelemetryEvent({
      eventId: 'e',
      source: 's',
      metric: 'm',
      value: 1,
      timestamp: 1,
    }).subarray(0, 10);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (body) => {
        try {
          decodeRecord(Buffer.concat([header, body]));
        } catch (error) {
          expect(error).toBeInstanceOf(SchemaDecodeError);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
