/**
 * One delivery stream's buffer: records are concatenated as they arrive (Firehose adds no
 * separator) and written as one object when the buffer reaches its size hint or when the
 * interval since its first record has passed, whichever comes first, as Firehose's
 * BufferingHints work. Objects are written to a temporary name and renamed, so a reader of the
 * folder never sees half an object.
 */

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FirehoseDeliveryError } from './errors.ts';
import { objectKey } from './object-key.ts';

/** Options of {@link StreamBuffer}. */
export interface StreamBufferOptions {
  readonly streamName: string;
  readonly version: number;
  /** The stream's folder: objects go to `<folder>/<prefix>YYYY/MM/DD/HH/...`. */
  readonly folder: string;
  readonly prefix: string;
  readonly sizeBytes: number;
  readonly intervalMillis: number;
  readonly onDeliveryError: (error: FirehoseDeliveryError) => void;
  /** Called with the path of each object written (tests and logs). */
  readonly onDelivered?: (path: string) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Buffers one stream's records and writes them out as objects. */
export class StreamBuffer {
  readonly #options: StreamBufferOptions;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #arrival: Date | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: StreamBufferOptions) {
    this.#options = options;
  }

  /** Appends records; starts the interval with the first one, flushes at the size hint. */
  add(records: readonly Buffer[]): void {
    if (records.length === 0) return;
    if (this.#arrival === undefined) {
      this.#arrival = (this.#options.now ?? (() => new Date()))();
      this.#timer = setTimeout(() => void this.flush(), this.#options.intervalMillis);
      // A pending interval must not keep the process alive; close() flushes explicitly.
      this.#timer.unref();
    }
    for (const record of records) {
      this.#chunks.push(record);
      this.#bytes += record.length;
    }
    if (this.#bytes >= this.#options.sizeBytes) void this.flush();
  }

  /** Writes what is buffered (if anything) and waits for every write of this stream. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#arrival !== undefined) {
      const data = Buffer.concat(this.#chunks, this.#bytes);
      const count = this.#chunks.length;
      const arrival = this.#arrival;
      this.#chunks = [];
      this.#bytes = 0;
      this.#arrival = undefined;
      // Writes are chained so objects of one stream land in arrival order.
      this.#writing = this.#writing.then(() => this.#write(data, count, arrival));
    }
    return this.#writing;
  }

  async #write(data: Buffer, records: number, arrival: Date): Promise<void> {
    const { streamName, version, prefix, folder } = this.#options;
    const path = join(folder, objectKey({ streamName, version, arrival, prefix }));
    try {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, path);
      this.#options.onDelivered?.(path);
    } catch (error) {
      this.#options.onDeliveryError(
        new FirehoseDeliveryError({ streamName, path, records }, error),
      );
    }
  }
}
