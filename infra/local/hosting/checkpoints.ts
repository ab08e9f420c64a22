/**
 * Where a local event source mapping remembers, per shard, the sequence number up to which every
 * record has been handled. On AWS the event source mapping keeps this itself; locally it lives in
 * memory or, with a data directory, in a JSON file, so a restart resumes instead of re-reading.
 */

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Per-shard checkpoints of one event source mapping. */
export interface CheckpointStore {
  get(shardId: string): Promise<string | undefined>;
  set(shardId: string, sequenceNumber: string): Promise<void>;
  /** Waits until every `set` so far is durable. */
  flush(): Promise<void>;
}

/** Checkpoints in memory: they survive a restart of the mapping, not of the process. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #marks = new Map<string, string>();
  async get(shardId: string): Promise<string | undefined> {
    return this.#marks.get(shardId);
  }
  async set(shardId: string, sequenceNumber: string): Promise<void> {
    this.#marks.set(shardId, sequenceNumber);
  }
  async flush(): Promise<void> {}
  /** A copy of every checkpoint, for inspection. */
  snapshot(): ReadonlyMap<string, string> {
    return new Map(this.#marks);
  }
}

/**
 * Checkpoints in one JSON file, replaced atomically (write, then rename) so a crash leaves either
 * the old or the new file. Writes are coalesced: while one is in flight, later `set`s wait for the
 * next, which carries them all.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly #file: string;
  #marks: Map<string, string> | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;

  constructor(file: string) {
    this.#file = file;
  }

  async get(shardId: string): Promise<string | undefined> {
    return (await this.#load()).get(shardId);
  }

  async set(shardId: string, sequenceNumber: string): Promise<void> {
    (await this.#load()).set(shardId, sequenceNumber);
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #load(): Promise<Map<string, string>> {
    if (this.#marks) return this.#marks;
    try {
      const parsed = JSON.parse(await readFile(this.#file, 'utf8')) as Record<string, string>;
      this.#marks = new Map(Object.entries(parsed));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#marks = new Map();
    }
    return this.#marks;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        const body = JSON.stringify(Object.fromEntries(this.#marks ?? []), null, 2);
        await mkdir(dirname(this.#file), { recursive: true });
        const temporary = `${this.#file}.${process.pid}.tmp`;
        await writeFile(temporary, body);
        await rename(temporary, this.#file);
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
