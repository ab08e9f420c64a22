/**
 * How ingest writes a user record's bytes: in place, into a buffer someone else owns (the KPL
 * aggregator's record area, or a request's arena), so a record is encoded once and never copied
 * between its encoding and its Kinesis entry.
 */

/**
 * Writes values of one kind at an offset of a caller's buffer. `UncheckedTelemetryWriter`
 * (schemas/encode-into.ts) is one; {@link BYTES_WRITER} writes bytes that are already encoded.
 */
export interface RecordWriter<T> {
  /**
   * Writes `value` at `offset` of `buf`.
   *
   * @returns the offset just after it; or, when `buf` is too short, minus a size that is enough
   *   (retry with that many bytes free from `offset`). Bytes from `offset` to the end of `buf`
   *   may have been overwritten either way.
   */
  writeInto(value: T, buf: Buffer, offset: number): number;
}

/** Bytes longer than this are copied with one native call; shorter ones in a loop. */
const NATIVE_COPY_BYTES = 64;

/** Copies already-encoded bytes (tests, and callers that hold encoded records). */
export const BYTES_WRITER: RecordWriter<Uint8Array> = {
  writeInto(value, buf, offset) {
    const n = value.length;
    // At least -1, even for no bytes: an offset past the end is short too, and -0 is not < 0.
    if (offset + n > buf.length) return -Math.max(n, 1);
    if (n > NATIVE_COPY_BYTES) buf.set(value, offset);
    else for (let i = 0; i < n; i++) buf[offset + i] = value[i]!;
    return offset + n;
  },
};
