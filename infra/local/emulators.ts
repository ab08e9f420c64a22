/**
 * The two real protocol-compatible emulators from npm, started in this process on loopback:
 * kinesalite (Kinesis) and dynalite (DynamoDB). In memory by default; with `dataDir`, LevelDB
 * directories under it, so streams, records and tables survive a restart.
 */

import type { Server } from 'node:http';
import { join } from 'node:path';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';
import { closeServer, listen } from './net.ts';

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

/** Starts kinesalite and dynalite; both are ready when the promise resolves. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  // Both emulators delay CREATING -> ACTIVE by 500 ms by default; real AWS takes longer, but
  // provisioning waits for ACTIVE either way, so the delay only slows tests down.
  const kinesis = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: options.shardLimit ?? 100,
    ...(options.dataDir ? { path: join(options.dataDir, 'kinesis') } : {}),
  });
  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}),
  });
  const started: Server[] = [];
  try {
    const kinesisPort = await listen(kinesis, host, options.kinesisPort ?? 0);
    started.push(kinesis);
    const dynamoPort = await listen(dynamo, host, options.dynamoDbPort ?? 0);
    started.push(dynamo);
    return {
      kinesisEndpoint: `http://${host}:${kinesisPort}`,
      dynamoDbEndpoint: `http://${host}:${dynamoPort}`,
      close: () => Promise.all([closeServer(kinesis), closeServer(dynamo)]).then(() => undefined),
    };
  } catch (error) {
    await Promise.all(started.map(closeServer));
    throw error;
  }
}
