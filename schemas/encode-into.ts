/**
 * Encode-side fast path for callers that write many records per call (ingest): a telemetry
 * event written as a single-object record straight into the caller's buffer, with no schema
 * check of its own and no copy.
 *
 * `encodeTelemetryEvent` (codec.ts) stays the safe default: it runs avsc's `isValid` first and
 * returns a fresh Buffer. Here the caller takes responsibility for the check; it is meant for
 * values a validator has accepted that provably implies `isValid` for every published version
 * (`ingest/validate.ts`, with the property test `test/ingest/validate-implies-avro.test.ts`).
 *
 * @example
 * ```ts
 * const writer = uncheckedTelemetryWriter();
 * const buf = Buffer.allocUnsafe(64 * 1024);
 * const end = writer.writeInto(validatedEvent, buf, 0); // < 0: needs -end bytes free
 * const record = buf.subarray(0, end);
 * ```
 */

import { type Codec, defaultCodec } from './codec.ts';
import type { KnownSchema } from './registry.ts';
import { HEADER_BYTES, MARKER_0, MARKER_1 } from './single-object.ts';
import { directShapeOf, telemetryBodyBound, writeTelemetryBody } from './telemetry-writer.ts';
import type { TelemetryEvent } from './types.ts';

/**
 * The largest long avsc writes: its `isSafeLong` bound, 2^53 - 2 (one below
 * `Number.MAX_SAFE_INTEGER`). Validators that stand in for `isValid` must stop here.
 */
export const MAX_EXACT_LONG = 2 ** 53 - 2;

/** Writes telemetry events with one schema version, unchecked. */
export interface UncheckedTelemetryWriter {
  /** The schema version written (the codec's writer version of `TelemetryEvent`). */
  readonly schema: KnownSchema;
  /**
   * `direct` when the hand-written writer knows this version (telemetry-writer.ts), `avsc` when
   * it falls back to avsc's generic writer (same bytes, slower).
   */
  readonly kind: 'direct' | 'avsc';
  /**
   * Writes `event` as a single-object record at `offset` of `buf`.
   *
   * Precondition: `event` conforms to `schema.type` (`schema.type.isValid(event)` holds). A value
   * that does not may throw a plain `Error` or, for a NaN or out-of-range number where the
   * schema wants one, be written as whatever the writer makes of it: check first.
   *
   * @returns the offset just after the record; or, when `buf` is too short, minus a record size
   *   that is enough (retry with that many bytes free). Bytes from `offset` to the end of `buf`
   *   may have been overwritten either way.
   */
  writeInto(event: TelemetryEvent, buf: Buffer, offset: number): number;
}

/**
 * Builds the unchecked writer for a codec's `TelemetryEvent` writer version.
 *
 * @param codec whose writer version to use. @default defaultCodec (the newest version)
 */
export function uncheckedTelemetryWriter(codec: Codec = defaultCodec): UncheckedTelemetryWriter {
  const schema = codec.registry.writer('TelemetryEvent');
  const shape = directShapeOf(schema.type);
  const [f0, f1, f2, f3, f4, f5, f6, f7] = Array.from(schema.fingerprint) as Fingerprint;
  // Local copies: under a CommonJS-style loader (tsx, vitest) every read of an imported binding
  // is a getter call, once per record here.
  const [m0, m1, headerBytes, writeBody] = [MARKER_0, MARKER_1, HEADER_BYTES, writeTelemetryBody];
  // Eight single-byte stores are cheaper than `Buffer#copy` (a C++ call) for each record.
  const header = (buf: Buffer, offset: number) => {
    buf[offset] = m0;
    buf[offset + 1] = m1;
    buf[offset + 2] = f0;
    buf[offset + 3] = f1;
    buf[offset + 4] = f2;
    buf[offset + 5] = f3;
    buf[offset + 6] = f4;
    buf[offset + 7] = f5;
    buf[offset + 8] = f6;
    buf[offset + 9] = f7;
  };
  if (shape !== undefined) {
    return {
      schema,
      kind: 'direct',
      writeInto(event, buf, offset) {
        const end =
          offset + headerBytes <= buf.length
            ? writeBody(event, buf, offset + headerBytes, shape)
            : -1;
        if (end < 0) return -(headerBytes + telemetryBodyBound(event));
        header(buf, offset);
        return end;
      },
    };
  }
  const type = schema.type;
  return {
    schema,
    kind: 'avsc',
    writeInto(event, buf, offset) {
      // avsc writes the body in place and reports a short buffer as minus the bytes missing.
      const end = type.encode(event, buf, offset + headerBytes);
      if (end < 0) return -(buf.length - offset - end);
      header(buf, offset);
      return end;
    },
  };
}

type Fingerprint = [number, number, number, number, number, number, number, number];
