/**
 * Persisting an endpoint's state as one JSON file: writes are debounced (a burst of changes costs
 * one write) and atomic (write a temporary file, then rename), so a crash leaves either the old
 * or the new state, never half of one.
 */

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StateFileError } from './errors.ts';

/** Options of {@link DebouncedStateFile}. */
export interface StateFileOptions {
  readonly path: string;
  /** Produces the state to write; called at write time, not at schedule time. */
  readonly snapshot: () => unknown;
  /** Quiet time after the last change before writing. @default 100 */
  readonly debounceMillis?: number;
  /** Called when a background write fails. @default logs to stderr */
  readonly onError?: (error: unknown) => void;
}

/** Reads a state file written by {@link DebouncedStateFile}; undefined when it does not exist. */
export async function readStateFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError('cannot read state file', { path, cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StateFileError('state file is not valid JSON; move it away to start empty', {
      path,
      cause: error,
    });
  }
}

/** A state file that is rewritten shortly after each {@link DebouncedStateFile.changed}. */
export class DebouncedStateFile {
  readonly #path: string;
  readonly #snapshot: () => unknown;
  readonly #debounceMillis: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #writes = 0;

  constructor(options: StateFileOptions) {
    this.#path = options.path;
    this.#snapshot = options.snapshot;
    this.#debounceMillis = options.debounceMillis ?? 100;
    this.#onError =
      options.onError ?? ((error) => console.error(`state file ${options.path}:`, error));
  }

  /** Schedules a write; calls within the debounce window share one. */
  changed(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#enqueue().catch(this.#onError);
    }, this.#debounceMillis);
    this.#timer.unref();
  }

  /** Writes now if a write is pending, and waits for every write to finish. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#enqueue();
    }
    await this.#writing;
  }

  /** Serialises writes, so two never race for the same temporary file. */
  #enqueue(): Promise<void> {
    const next = this.#writing.then(() => this.#write());
    this.#writing = next.catch(() => undefined);
    return next;
  }

  async #write(): Promise<void> {
    const text = JSON.stringify(this.#snapshot());
    const tmp = `${this.#path}.${process.pid}.${++this.#writes}.tmp`;
    await mkdir(dirname(this.#path), { recursive: true });
    await writeFile(tmp, text);
    await rename(tmp, this.#path);
  }
}

/** Options of {@link openServiceState}. */
export interface ServiceStateOptions {
  /** Where state is kept; in memory only when undefined. */
  readonly dataDir: string | undefined;
  /** The folder under `dataDir`, e.g. `'sqs'`. */
  readonly service: string;
  /** Takes the state an earlier run saved; `path` is there for errors that name the file. */
  readonly restore: (saved: unknown, path: string) => void;
  /** Produces the state to write (see {@link StateFileOptions.snapshot}). */
  readonly snapshot: () => unknown;
}

/**
 * Opens `<dataDir>/<service>/state.json`: hands what an earlier run saved to `restore` (nothing
 * when there is no file yet), then returns the file to tell of changes. Undefined without a
 * `dataDir`, when the service keeps its state in memory only.
 */
export async function openServiceState(
  options: ServiceStateOptions,
): Promise<DebouncedStateFile | undefined> {
  if (options.dataDir === undefined) return undefined;
  const path = join(options.dataDir, options.service, 'state.json');
  const saved = await readStateFile(path);
  if (saved !== undefined) options.restore(saved, path);
  return new DebouncedStateFile({ path, snapshot: options.snapshot });
}
