/**
 * The two real protocol-compatible emulators from npm, each started in a worker thread of this
 * process (so no child process can be orphaned, and each gets a core of its own) on loopback:
 * kinesalite (Kinesis) and dynalite (DynamoDB). In memory by default; with `dataDir`, LevelDB
 * directories under it, so streams, records and tables survive a restart.
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Options of {@link startEmulators}. */
export interface EmulatorOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Kinesis port; 0 picks a free one. @default 0 */
  readonly kinesisPort?: number;
  /** DynamoDB port; 0 picks a free one. @default 0 */
  readonly dynamoDbPort?: number;
  /** Directory for persistent state; in memory when absent. @default undefined */
  readonly dataDir?: string;
  /**
   * kinesalite's shard limit across all streams. Its default of 10 is lower than AWS accounts
   * get and would make tests that create several streams fail for the wrong reason.
   * @default 100
   */
  readonly shardLimit?: number;
}

/** Running emulators. */
export interface Emulators {
  readonly kinesisEndpoint: string;
  readonly dynamoDbEndpoint: string;
  close(): Promise<void>;
}

/** Starts kinesalite and dynalite, each in its own worker thread; both are ready when this resolves. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  // Both emulators delay CREATING -> ACTIVE by 500 ms by default; real AWS takes longer, but
  // provisioning waits for ACTIVE either way, so the delay only slows tests down.
  const kinesisOptions = {
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: options.shardLimit ?? 100,
    ...(options.dataDir ? { path: join(options.dataDir, 'kinesis') } : {}),
  };
  const dynamoOptions = {
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}),
  };
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
  }
  const [kinesis, dynamo] = await Promise.allSettled([
    startWorker('kinesis', kinesisOptions, host, options.kinesisPort ?? 0),
    startWorker('dynamodb', dynamoOptions, host, options.dynamoDbPort ?? 0),
  ]);
  if (kinesis.status === 'rejected' || dynamo.status === 'rejected') {
    await Promise.all(
      [kinesis, dynamo].map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)),
    );
    throw kinesis.status === 'rejected' ? kinesis.reason : (dynamo as PromiseRejectedResult).reason;
  }
  return {
    kinesisEndpoint: `http://${host}:${kinesis.value.port}`,
    dynamoDbEndpoint: `http://${host}:${dynamo.value.port}`,
    close: () => Promise.all([kinesis.value.close(), dynamo.value.close()]).then(() => undefined),
  };
}

interface EmulatorWorker {
  readonly port: number;
  close(): Promise<void>;
}

type WorkerMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'closed'; readonly message?: string }
  | { readonly type: 'error'; readonly message: string };

const WORKER_FILE = fileURLToPath(new URL('./emulator-worker.mjs', import.meta.url));

function startWorker(
  kind: 'kinesis' | 'dynamodb',
  options: object,
  host: string,
  port: number,
): Promise<EmulatorWorker> {
  const worker = new Worker(WORKER_FILE, { workerData: { kind, options, host, port } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onStartMessage = (message: WorkerMessage) => {
      if (message.type === 'error') {
        worker.off('message', onStartMessage);
        void worker.terminate();
        reject(
          new Error(`${kind} emulator failed to start on ${host}:${port}: ${message.message}`),
        );
      } else if (message.type === 'listening') {
        worker.off('message', onStartMessage);
        resolve({ port: message.port, close });
      }
    };
    worker.on('message', onStartMessage);
    worker.once('error', reject);
    let closing: Promise<void> | undefined;
    function close(): Promise<void> {
      closing ??= (async () => {
        worker.postMessage({ type: 'close' });
        // A worker that does not wind down in time is terminated: close must never hang.
        const timer = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    }
  });
}
