/**
 * In-place decoding (`decodeTelemetryEventAt`, `read-at.ts`) against the exact path (avsc on a
 * view that ends where the record ends): for valid, mutated, cut and padded records placed
 * between arbitrary bytes, both give the same value or the same error.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeTelemetryEventAt,
  defaultCodec,
  encodeRecord,
  encodeTelemetryEvent,
  readTelemetrySpansAt,
} from '../../schemas/codec.ts';
import { WrongSchemaError } from '../../schemas/errors.ts';
import { readBody, readHeader } from '../../schemas/single-object.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { telemetryEventFactory } from './fixtures.ts';

type Outcome = { value: unknown } | { error: string; reason: unknown; message: string };

function outcome(decode: () => unknown): Outcome {
  try {
    return { value: decode() };
  } catch (error) {
    const e = error as { name: string; reason?: unknown; message: string };
    return { error: e.name, reason: e.reason, message: e.message };
  }
}

/** The exact path: header and body read by avsc on a buffer of the record's own length. */
function exact(bytes: Buffer): unknown {
  const writer = readHeader(defaultCodec.registry, bytes);
  if (writer.name !== 'TelemetryEvent') {
    throw new WrongSchemaError('TelemetryEvent', writer.name, bytes.length);
  }
  return readBody(writer, bytes);
}

const telemetryEvent: fc.Arbitrary<TelemetryEvent> = fc.record(
  {
    eventId: fc.string(),
    source: fc.string({ unit: 'grapheme' }),
    metric: fc.string(),
    value: fc.double(),
    timestamp: fc.integer({ min: -(2 ** 52), max: 2 ** 53 - 2 }),
    attributes: fc.option(fc.dictionary(fc.string(), fc.string()), { nil: null }),
    unit: fc.option(fc.string(), { nil: null }),
  },
  { requiredKeys: ['eventId', 'source', 'metric', 'value', 'timestamp'] },
);

describe('decodeTelemetryEventAt', () => {
  it('decodes a record between other bytes as the exact path decodes it alone', () => {
    fc.assert(
      fc.property(
        telemetryEvent,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.integer({ min: -12, max: 3 }),
        fc.uint8Array({ maxLength: 16 }),
        fc.uint8Array({ maxLength: 64 }),
        (event, flips, resize, before, after) => {
          // arrange: mutate, cut or pad the record, then surround it with arbitrary bytes
          const bytes = Buffer.from(encodeTelemetryEvent(event));
          for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
          const record =
            resize < 0
              ? bytes.subarray(0, Math.max(bytes.length + resize, 0))
              : Buffer.concat([bytes, Buffer.alloc(resize)]);
          const big = Buffer.concat([before, record, after]);
          const start = before.length;
          // act / assert
          expect(outcome(() => decodeTelemetryEventAt(big, start, start + record.length))).toEqual(
            outcome(() => exact(Buffer.from(record))),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('reads an older writer version through its resolver', () => {
    const { unit: _unit, ...v1 } = telemetryEventFactory();
    const v1Codec = defaultCodec.registry
      .all()
      .find((k) => k.name === 'TelemetryEvent' && k.version === 1)!;
    const body = v1Codec.type.toBuffer(v1);
    const record = Buffer.concat([Buffer.of(0xc3, 0x01), v1Codec.fingerprint, body]);
    const big = Buffer.concat([Buffer.from('xx'), record, Buffer.from('yy')]);
    expect(decodeTelemetryEventAt(big, 2, 2 + record.length)).toEqual({ ...v1, unit: null });
  });

  it('rejects a valid record of another schema as wrong-schema', () => {
    const other = encodeRecord('WindowAggregate', {
      source: 's',
      metric: 'm',
      windowSizeMillis: 1,
      windowStart: 0,
      windowEnd: 1,
      count: 1,
      sum: 1,
      min: 1,
      max: 1,
      mean: 1,
      firstEventTime: 0,
      lastEventTime: 0,
      p50: 1,
      p90: 1,
      p99: 1,
      sketch: null,
      lateCount: 0,
      closedAt: 1,
    });
    const big = Buffer.concat([Buffer.from('x'), other]);
    expect(() => decodeTelemetryEventAt(big, 1, big.length)).toThrow(WrongSchemaError);
  });
});

describe('readTelemetrySpansAt', () => {
  it('gives spans that hold the strings, and numbers equal to the exact path, or declines', () => {
    let read = 0;
    fc.assert(
      fc.property(
        telemetryEvent,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 2 }),
        fc.uint8Array({ maxLength: 16 }),
        fc.uint8Array({ maxLength: 16 }),
        (event, flips, before, after) => {
          const record = Buffer.from(encodeTelemetryEvent(event));
          for (const [at, byte] of flips) record[at % record.length] = byte;
          const big = Buffer.concat([before, record, after]);
          const spans = readTelemetrySpansAt(big, before.length, before.length + record.length);
          const expected = outcome(() => exact(Buffer.from(record)));
          // Declining is always allowed (the caller then asks avsc); reading never is for a
          // record the exact path rejects.
          if (spans === undefined) return;
          read++;
          expect(expected).toHaveProperty('value');
          const value = (expected as { value: TelemetryEvent }).value;
          expect({
            eventId: big.toString('utf8', spans.eventIdStart, spans.eventIdEnd),
            source: big.toString('utf8', spans.sourceStart, spans.sourceEnd),
            metric: big.toString('utf8', spans.metricStart, spans.metricEnd),
            value: spans.value,
            timestamp: spans.timestamp,
            attributes: spans.attributes,
            unit: spans.unit,
          }).toEqual(value);
          expect([spans.eventId, spans.source, spans.metric]).toEqual([
            value.eventId,
            value.source,
            value.metric,
          ]);
        },
      ),
      { numRuns: 1_000 },
    );
    // Most unflipped records are plain: the fast path was really exercised.
    expect(read).toBeGreaterThan(300);
  });
});
