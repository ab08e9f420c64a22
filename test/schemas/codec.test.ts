import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  decodeTelemetryEvent,
  defaultCodec,
  encodeRecord,
  encodeTelemetryEvent,
} from '../../schemas/codec.ts';
import {
  BadMarkerError,
  InvalidBodyError,
  SchemaDecodeError,
  SchemaEncodeError,
  TrailingBytesError,
  TruncatedRecordError,
  UnknownFingerprintError,
  WrongSchemaError,
} from '../../schemas/errors.ts';
import { fingerprintBytes } from '../../schemas/fingerprint.ts';
import { SCHEMA_HISTORY } from '../../schemas/generated/catalog.ts';
import type { Anomaly, WindowAggregate } from '../../schemas/types.ts';
import { avroLong, singleObject, telemetryEventFactory, telemetryV1Prefix } from './fixtures.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const aggregate: WindowAggregate = {
  source: 'sensor-17',
  metric: 'cpu.utilization',
  windowSizeMillis: 60_000,
  windowStart: 1_700_000_040_000,
  windowEnd: 1_700_000_100_000,
  count: 3,
  sum: 6,
  min: 1,
  max: 3,
  mean: 2,
  firstEventTime: 1_700_000_040_001,
  lastEventTime: 1_700_000_099_999,
  p50: 2,
  p90: 3,
  p99: 3,
  sketch: Buffer.from([1, 2, 3]),
  lateCount: 1,
  closedAt: 1_700_000_130_000,
};

const anomaly: Anomaly = {
  anomalyId: 'a-1',
  source: 'sensor-17',
  metric: 'cpu.utilization',
  windowSizeMillis: 60_000,
  windowStart: 1_700_000_040_000,
  windowEnd: 1_700_000_100_000,
  kind: 'SPIKE',
  severity: 'CRITICAL',
  observed: 99,
  baselineMean: 40,
  baselineStddev: 5,
  score: 11.8,
  detectedAt: 1_700_000_130_001,
  details: { detector: 'zscore' },
};

describe('encodeTelemetryEvent', () => {
  it('writes marker C3 01, the current fingerprint, then the Avro body', () => {
    const event = telemetryEventFactory();
    const bytes = encodeTelemetryEvent(event);
    const current = SCHEMA_HISTORY.TelemetryEvent.at(-1) as unknown as avro.Schema;
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    expect(bytes.subarray(2, 10)).toEqual(fingerprintBytes(current));
    expect(bytes.subarray(10)).toEqual(avro.Type.forSchema(current).toBuffer(event));
  });

  it('round-trips events with and without the optional fields', () => {
    const full = telemetryEventFactory();
    const bare = { eventId: 'e', source: 's', metric: 'm', value: -0.5, timestamp: 0 };
    expect(decodeTelemetryEvent(encodeTelemetryEvent(full))).toEqual(full);
    expect(decodeTelemetryEvent(encodeTelemetryEvent(bare))).toEqual({
      ...bare,
      attributes: null,
      unit: null,
    });
  });

  it('keeps timestamp a number of epoch milliseconds', () => {
    const decoded = decodeTelemetryEvent(encodeTelemetryEvent(telemetryEventFactory()));
    expect(decoded.timestamp).toBe(1_700_000_000_123);
  });

  it('names the fields that do not match the schema', () => {
    const bad = { ...telemetryEventFactory(), value: 'high', timestamp: 1.5 } as never;
    const error = thrown(() => encodeTelemetryEvent(bad));
    expect(error).toBeInstanceOf(SchemaEncodeError);
    expect((error as SchemaEncodeError).paths).toEqual(['value', 'timestamp']);
  });

  it('rejects a timestamp avsc would silently write as another number', () => {
    const ok = telemetryEventFactory({ timestamp: -(2 ** 52) });
    expect(decodeTelemetryEvent(encodeTelemetryEvent(ok)).timestamp).toBe(-(2 ** 52));
    const error = thrown(() =>
      encodeTelemetryEvent(telemetryEventFactory({ timestamp: -(2 ** 52) - 1 })),
    );
    expect(error).toMatchObject({ name: 'SchemaEncodeError', paths: ['timestamp'] });
  });

  it('encodes records larger than the scratch buffer', () => {
    const big = telemetryEventFactory({ eventId: 'x'.repeat(100_000) });
    expect(decodeTelemetryEvent(encodeTelemetryEvent(big))).toEqual(big);
  });
});

describe('decodeTelemetryEvent', () => {
  const good = encodeTelemetryEvent(telemetryEventFactory());

  it('accepts a Uint8Array view at an offset into a larger buffer', () => {
    const backing = new Uint8Array(good.length + 7);
    backing.set(good, 3);
    expect(decodeTelemetryEvent(backing.subarray(3, 3 + good.length))).toEqual(
      telemetryEventFactory(),
    );
  });

  it('rejects a wrong marker as bad-marker', () => {
    const error = thrown(() => decodeTelemetryEvent(Buffer.from('{"eventId":"e"}')));
    expect(error).toBeInstanceOf(BadMarkerError);
    expect(error).toMatchObject({ reason: 'bad-marker', receivedHex: '7b22' });
  });

  it.each([0, 1, 2, 9])('rejects a %i-byte header as truncated', (length) => {
    const error = thrown(() => decodeTelemetryEvent(good.subarray(0, length)));
    expect(error).toBeInstanceOf(TruncatedRecordError);
    expect(error).toMatchObject({ reason: 'truncated', part: 'header', length });
  });

  it('rejects every cut-off body as truncated', () => {
    for (let length = 10; length < good.length; length++) {
      const error = thrown(() => decodeTelemetryEvent(good.subarray(0, length)));
      expect(error, `length ${length}`).toMatchObject({ reason: 'truncated', part: 'body' });
    }
  });

  it('rejects trailing bytes and says where the record ended', () => {
    const error = thrown(() => decodeTelemetryEvent(Buffer.concat([good, Buffer.from([0, 0])])));
    expect(error).toBeInstanceOf(TrailingBytesError);
    expect(error).toMatchObject({
      reason: 'trailing-bytes',
      endOffset: good.length,
      length: good.length + 2,
    });
  });

  it('rejects an unknown fingerprint and reports it in header order', () => {
    const bytes = Buffer.from(good);
    bytes[9] = bytes[9]! ^ 0xff;
    const error = thrown(() => decodeTelemetryEvent(bytes));
    expect(error).toBeInstanceOf(UnknownFingerprintError);
    expect((error as UnknownFingerprintError).fingerprint).toBe(
      bytes.subarray(2, 10).toString('hex'),
    );
  });

  it('rejects an impossible union branch as invalid-body', () => {
    const v1 = defaultCodec.registry.writer('TelemetryEvent');
    const body = Buffer.concat([
      telemetryV1Prefix(telemetryEventFactory()),
      avroLong(7),
      avroLong(0),
    ]);
    const error = thrown(() => decodeTelemetryEvent(singleObject(v1.fingerprint, body)));
    expect(error).toBeInstanceOf(InvalidBodyError);
    expect(error).toBeInstanceOf(SchemaDecodeError);
  });

  it('rejects a map that claims 2^40 entries at once instead of looping', () => {
    const v2 = defaultCodec.registry.writer('TelemetryEvent');
    const body = Buffer.concat([
      telemetryV1Prefix(telemetryEventFactory()),
      avroLong(1), // union branch: map
      avroLong(2 ** 40), // block count
    ]);
    const error = thrown(() => decodeTelemetryEvent(singleObject(v2.fingerprint, body)));
    expect(error).toMatchObject({ reason: 'truncated', part: 'body' });
    expect((error as Error).message).toContain('claims 1099511627776 entries');
  });

  it('keeps a "__proto__" attribute as data, not as the prototype', () => {
    const v2 = defaultCodec.registry.writer('TelemetryEvent');
    const body = Buffer.concat([
      telemetryV1Prefix(telemetryEventFactory()),
      avroLong(1),
      avroLong(1),
      Buffer.from([0x12]),
      Buffer.from('__proto__'),
      Buffer.from([0x02, 0x78]),
      avroLong(0),
      avroLong(0),
    ]);
    const event = decodeTelemetryEvent(singleObject(v2.fingerprint, body));
    expect(Object.getPrototypeOf(event.attributes)).toBe(Object.prototype);
    expect(Object.entries(event.attributes ?? {})).toEqual([['__proto__', 'x']]);
  });

  it('rejects a valid record of another schema as wrong-schema', () => {
    const error = thrown(() => decodeTelemetryEvent(encodeRecord('Anomaly', anomaly)));
    expect(error).toBeInstanceOf(WrongSchemaError);
    expect(error).toMatchObject({ expected: 'TelemetryEvent', received: 'Anomaly' });
  });
});

describe('encodeRecord / decodeRecord', () => {
  it.each([
    ['WindowAggregate', aggregate],
    ['Anomaly', anomaly],
    ['TelemetryEvent', telemetryEventFactory()],
  ] as const)('round-trips a %s and says which schema it is', (name, value) => {
    const decoded = decodeRecord(encodeRecord(name, value));
    expect(decoded.schema).toBe(name);
    expect(decoded.writerVersion).toBe(SCHEMA_HISTORY[name].length);
    expect(decoded.value).toEqual(value);
  });

  it('fills lateCount with its default 0 when a writer omits it', () => {
    const { lateCount: _omitted, ...rest } = aggregate;
    expect(decodeRecord(encodeRecord('WindowAggregate', rest)).value).toMatchObject({
      lateCount: 0,
    });
  });

  it('rejects an enum symbol the schema does not list', () => {
    expect(() => encodeRecord('Anomaly', { ...anomaly, kind: 'WOBBLE' })).toThrow(
      SchemaEncodeError,
    );
  });
});
