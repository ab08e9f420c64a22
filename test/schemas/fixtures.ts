/**
 * Test helpers for the schema layer: event factories and an Avro binary writer written from the
 * specification (zig-zag varints, length-prefixed strings), independent of avsc, so tests can
 * build hostile bodies byte by byte.
 */

import type { TelemetryEvent } from '../../schemas/types.ts';

/** A valid current-version telemetry event; override any field. */
export function telemetryEventFactory(overrides: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    eventId: 'evt-0001',
    source: 'sensor-17',
    metric: 'cpu.utilization',
    value: 42.5,
    timestamp: 1_700_000_000_123,
    attributes: { region: 'eu-west-1', host: 'h-1' },
    unit: 'percent',
    ...overrides,
  };
}

/** Avro `long`: zig-zag, then base-128 little-endian varint. */
export function avroLong(n: bigint | number): Buffer {
  let z = BigInt.asUintN(64, (BigInt(n) << 1n) ^ (BigInt(n) >> 63n));
  const bytes: number[] = [];
  do {
    let byte = Number(z & 0x7fn);
    z >>= 7n;
    if (z !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (z !== 0n);
  return Buffer.from(bytes);
}

/** Avro `string`: long length, then UTF-8 bytes. */
export function avroString(s: string): Buffer {
  const utf8 = Buffer.from(s, 'utf8');
  return Buffer.concat([avroLong(utf8.length), utf8]);
}

/** Avro `double`: 8 bytes little-endian IEEE 754. */
export function avroDouble(x: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeDoubleLE(x);
  return out;
}

/** The body of a TelemetryEvent v1 up to (not including) the `attributes` union. */
export function telemetryV1Prefix(event: TelemetryEvent): Buffer {
  return Buffer.concat([
    avroString(event.eventId),
    avroString(event.source),
    avroString(event.metric),
    avroDouble(event.value),
    avroLong(event.timestamp),
  ]);
}

/** A single-object record: marker, the given fingerprint bytes, body. */
export function singleObject(fingerprint: Buffer, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xc3, 0x01]), fingerprint, body]);
}
