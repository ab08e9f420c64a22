import avroJsSchemas from 'avro-js/lib/schemas.js';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, encodeTelemetryEvent } from '../../schemas/codec.ts';
import { crc64Avro, fingerprintBytes, parsingCanonicalForm } from '../../schemas/fingerprint.ts';
import { SCHEMA_HISTORY } from '../../schemas/generated/catalog.ts';
import { SCHEMA_NAMES } from '../../schemas/registry.ts';
import type { Anomaly } from '../../schemas/types.ts';
import { singleObject, telemetryEventFactory } from './fixtures.ts';

// Apache's own JavaScript implementation (avro-js) is the independent party here: it shares no
// code with avsc's resolver or with our fingerprint, so agreement is evidence, not tautology.
/** Apache avro-js's schema parser. */
const avroJs = (schema: unknown) => avroJsSchemas.createType(schema);

const versions = SCHEMA_NAMES.flatMap((name) =>
  SCHEMA_HISTORY[name].map((schema, index) => ({ name, version: index + 1, schema })),
);

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

// avro-js represents a non-null union value wrapped in its branch name ({ map: {...} }),
// avsc (and our codec) unwrapped; these two convert the union fields of our test records.
const UNION_BRANCHES: Readonly<Record<string, string>> = {
  attributes: 'map',
  unit: 'string',
  details: 'map',
};

function wrapUnions(record: object): object {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => {
      const branch = UNION_BRANCHES[key];
      return [key, branch !== undefined && value !== null ? { [branch]: value } : value];
    }),
  );
}

function unwrapUnions(record: unknown): unknown {
  return Object.fromEntries(
    Object.entries(plain(record) as object).map(([key, value]) => {
      const branch = UNION_BRANCHES[key];
      return [
        key,
        branch !== undefined && value !== null ? (value as Record<string, unknown>)[branch] : value,
      ];
    }),
  );
}

const anomaly: Anomaly = {
  anomalyId: 'a-9',
  source: 's',
  metric: 'm',
  windowSizeMillis: 10_000,
  windowStart: 1_700_000_000_000,
  windowEnd: 1_700_000_010_000,
  kind: 'FLATLINE',
  severity: 'WARNING',
  observed: 0,
  baselineMean: 3,
  baselineStddev: 1,
  score: -3,
  detectedAt: 1_700_000_020_000,
  details: { detector: 'flatline', windowCount: '12' },
};

describe('interoperability with Apache avro-js', () => {
  it.each(versions)('agrees on the canonical form of $name v$version', ({ schema }) => {
    expect(parsingCanonicalForm(schema as never)).toBe(avroJs(schema).getSchema());
  });

  it.each(versions)(
    'fingerprints $name v$version as CRC-64-AVRO of the avro-js canonical form',
    ({ schema }) => {
      const expected = Buffer.alloc(8);
      expected.writeBigUInt64LE(crc64Avro(Buffer.from(avroJs(schema).getSchema(), 'utf8')));
      expect(fingerprintBytes(schema as never)).toEqual(expected);
    },
  );

  it('avro-js decodes the body of our TelemetryEvent record exactly, with no bytes left', () => {
    const event = telemetryEventFactory();
    const body = encodeTelemetryEvent(event).subarray(10);
    const type = avroJs(SCHEMA_HISTORY.TelemetryEvent.at(-1));
    // avro-js's fromBuffer throws on trailing data, so this also checks our body's length.
    expect(unwrapUnions(type.fromBuffer(body))).toEqual(plain(event));
  });

  it('avro-js decodes the body of our Anomaly record (enums, null union)', () => {
    const body = encodeRecord('Anomaly', anomaly).subarray(10);
    expect(unwrapUnions(avroJs(SCHEMA_HISTORY.Anomaly.at(-1)).fromBuffer(body))).toEqual(
      plain(anomaly),
    );
  });

  it('avro-js as a v1 reader resolves our v2 TelemetryEvent body (FORWARD)', () => {
    const { unit: _unit, ...v1Event } = telemetryEventFactory();
    const body = encodeTelemetryEvent(telemetryEventFactory()).subarray(10);
    const v1 = avroJs(SCHEMA_HISTORY.TelemetryEvent[0]);
    const v2 = avroJs(SCHEMA_HISTORY.TelemetryEvent[1]);
    expect(unwrapUnions(v1.fromBuffer(body, v1.createResolver(v2)))).toEqual(plain(v1Event));
  });

  it('we decode a body avro-js wrote for v1, behind the v1 fingerprint (BACKWARD)', () => {
    const { unit: _unit, ...v1Event } = telemetryEventFactory();
    const v1Schema = SCHEMA_HISTORY.TelemetryEvent[0];
    const body = avroJs(v1Schema).toBuffer(wrapUnions(v1Event));
    const decoded = decodeRecord(singleObject(fingerprintBytes(v1Schema as never), body));
    expect(decoded).toMatchObject({ schema: 'TelemetryEvent', writerVersion: 1 });
    expect(plain(decoded.value)).toEqual({ ...v1Event, unit: null });
  });
});
