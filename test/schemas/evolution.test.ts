import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  createCodec,
  decodeRecord,
  decodeTelemetryEvent,
  encodeTelemetryEvent,
} from '../../schemas/codec.ts';
import { UnknownFingerprintError } from '../../schemas/errors.ts';
import { fingerprintBytes } from '../../schemas/fingerprint.ts';
import { SCHEMA_HISTORY } from '../../schemas/generated/catalog.ts';
import { singleObject, telemetryEventFactory } from './fixtures.ts';

const V1 = SCHEMA_HISTORY.TelemetryEvent[0] as unknown as avro.Schema;
const v1Type = avro.Type.forSchema(V1);

/** What a producer still on v1 writes: the v1 body behind the v1 fingerprint. */
function writeV1(event: object): Buffer {
  return singleObject(fingerprintBytes(V1), v1Type.toBuffer(event));
}

describe('TelemetryEvent v1 -> v2 (optional unit with default null)', () => {
  const { unit: _unit, ...v1Event } = telemetryEventFactory();

  it('BACKWARD: the v2 reader reads a v1 record, unit taking its default', () => {
    const bytes = writeV1(v1Event);
    expect(decodeTelemetryEvent(bytes)).toEqual({ ...v1Event, unit: null });
    expect(decodeRecord(bytes)).toMatchObject({ schema: 'TelemetryEvent', writerVersion: 1 });
  });

  it('FORWARD: a reader pinned to v1 reads a v2 record and drops unit', () => {
    const oldReader = createCodec({ readerVersions: { TelemetryEvent: 1 } });
    const bytes = encodeTelemetryEvent(telemetryEventFactory({ unit: 'percent' }));
    const decoded = oldReader.decodeTelemetryEvent(bytes);
    expect(decoded).toEqual(v1Event);
    expect('unit' in decoded).toBe(false);
  });

  it('FORWARD, byte level: the v1 schema alone resolves a v2 body', () => {
    const v2Body = encodeTelemetryEvent(telemetryEventFactory()).subarray(10);
    const v2Type = avro.Type.forSchema(SCHEMA_HISTORY.TelemetryEvent[1] as unknown as avro.Schema);
    const value = v1Type.fromBuffer(v2Body, v1Type.createResolver(v2Type));
    expect({ ...value }).toEqual(v1Event);
  });

  it('a writer pinned to v1 (during a rollout) writes what a v1-only reader knows', () => {
    const pinnedWriter = createCodec({ writerVersions: { TelemetryEvent: 1 } });
    const v1Only = createCodec({ history: { ...SCHEMA_HISTORY, TelemetryEvent: [V1] } });
    const bytes = pinnedWriter.encodeTelemetryEvent(telemetryEventFactory());
    expect(bytes.subarray(2, 10)).toEqual(fingerprintBytes(V1));
    expect(v1Only.decodeTelemetryEvent(bytes)).toEqual(v1Event);
  });

  it('a reader that was never told about v2 rejects v2 records by fingerprint, not by guessing', () => {
    const v1Only = createCodec({ history: { ...SCHEMA_HISTORY, TelemetryEvent: [V1] } });
    expect(() =>
      v1Only.decodeTelemetryEvent(encodeTelemetryEvent(telemetryEventFactory())),
    ).toThrow(UnknownFingerprintError);
  });

  it('refuses to pin a version that was never published', () => {
    expect(() => createCodec({ writerVersions: { TelemetryEvent: 9 } })).toThrow(
      /writerVersions for TelemetryEvent: got 9, expected an integer from 1 to 2/,
    );
  });
});
