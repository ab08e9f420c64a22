/**
 * One request's encoded records, written back to back into a few large buffers and handed out
 * as views. Per record that saves what a standalone Buffer costs: an allocation, a copy out of
 * a scratch buffer, and the garbage. Used for the records sent plain (aggregation off, or a
 * record too large to aggregate); aggregated records are written into the aggregator instead.
 */

import type { RecordWriter } from './record-writer.ts';

/** Options of {@link EncodeArena}. */
export interface EncodeArenaOptions<T> {
  readonly writer: RecordWriter<T>;
  /**
   * How many records the request holds, to size the first buffer so a small request does not
   * reserve a large one. @default 1
   */
  readonly expectedRecords?: number;
}

/** Bytes reserved per expected record: a 150-byte JSON record encodes to about 75. */
const BYTES_PER_EXPECTED_RECORD = 96;
const MIN_BUFFER_BYTES = 1024;
/**
 * Upper bound of one buffer. A request's arena holds at most its encoded records plus the unused
 * tail of each buffer (under one record), so memory stays proportional to the body.
 */
const MAX_BUFFER_BYTES = 1024 * 1024;

/**
 * Bump allocator for a request's encoded records. The views stay valid as long as anything
 * refers to them; the buffers are freed with the last view.
 *
 * @example
 * ```ts
 * const arena = new EncodeArena({ writer: uncheckedTelemetryWriter(), expectedRecords: n });
 * const data = arena.encode(validatedEvent); // a view into the arena
 * ```
 */
export class EncodeArena<T> {
  readonly #writer: RecordWriter<T>;
  readonly #bufferBytes: number;
  #buffer: Buffer;
  #offset = 0;

  constructor(options: EncodeArenaOptions<T>) {
    this.#writer = options.writer;
    const expected = Math.max(1, options.expectedRecords ?? 1);
    this.#bufferBytes = Math.min(
      MAX_BUFFER_BYTES,
      Math.max(MIN_BUFFER_BYTES, expected * BYTES_PER_EXPECTED_RECORD),
    );
    this.#buffer = Buffer.allocUnsafe(this.#bufferBytes);
  }

  /** Writes `value` with the arena's writer and returns its bytes. */
  encode(value: T): Buffer {
    let start = this.#offset;
    let end = this.#writer.writeInto(value, this.#buffer, start);
    if (end < 0) {
      // Does not fit the rest of this buffer: start a new one, large enough for the record.
      this.#buffer = Buffer.allocUnsafe(Math.max(this.#bufferBytes, -end));
      start = 0;
      end = this.#writer.writeInto(value, this.#buffer, 0);
      if (end < 0) throw new RangeError(`EncodeArena: ${-end} bytes short after resizing`);
    }
    this.#offset = end;
    return this.#buffer.subarray(start, end);
  }
}
