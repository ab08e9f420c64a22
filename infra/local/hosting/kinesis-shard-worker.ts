/**
 * Reads one shard and feeds its records to the function the way the event source mapping does:
 * GetRecords in a loop, records split into `parallelizationFactor` lanes by partition key (so
 * order per key holds while lanes run concurrently), each lane cut into batches by size and
 * batching window, each batch settled by {@link settleBatch}, and the shard's checkpoint moved
 * only past records whose every predecessor is done.
 */

import { createHash } from 'node:crypto';
import {
  type _Record,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { KINESIS } from '../../limits.ts';
import { CheckpointTracker } from './checkpoint-tracker.ts';
import { type SettleOptions, settleBatch } from './kinesis-batch.ts';

/** What a worker needs from its mapping. */
export interface ShardWorkerProps {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly region: string;
  readonly functionName: string;
  readonly accountId: string;
  readonly batchSize: number;
  readonly maxBatchingWindowMillis: number;
  readonly parallelizationFactor: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly pollIntervalMillis: number;
  readonly checkpoint: string | undefined;
  readonly saveCheckpoint: (sequenceNumber: string) => Promise<void>;
  readonly settle: Omit<SettleOptions, 'shouldStop'>;
}

/** One lane: records of the partition keys that hash to it, in shard order. */
interface Lane {
  readonly queue: KinesisStreamRecord[];
  /** Wall-clock millis at which the oldest queued record was read. */
  oldestAt: number;
}

/** The reader and lanes of one shard. */
export class ShardWorker {
  readonly #props: ShardWorkerProps;
  readonly #tracker: CheckpointTracker;
  readonly #lanes: Lane[];
  #running = true;
  #graceful = true;
  #closed = false;
  #lastRead: string | undefined;
  /** Waiters to wake on new work; each removes itself when it wakes, by signal or by timeout. */
  readonly #waiters = new Set<() => void>();
  /** Backoff sleeps, cut short when the worker stops. */
  readonly #stopWaiters = new Set<() => void>();
  #failures = 0;
  /** Errors the reader met and retried (an emulator restarting, a destination unreachable). */
  errors = 0;
  lastError: unknown;
  readonly done: Promise<void>;
  /** True once the shard has ended (resharding) and every record of it is settled. */
  finished = false;

  constructor(props: ShardWorkerProps) {
    this.#props = props;
    this.#tracker = new CheckpointTracker(props.checkpoint);
    this.#lastRead = props.checkpoint;
    this.#lanes = Array.from({ length: props.parallelizationFactor }, () => ({
      queue: [],
      oldestAt: 0,
    }));
    this.done = this.#run();
  }

  /** Stops reading. Graceful: queued records are not started, in-flight batches finish and checkpoint. */
  stop(graceful: boolean): Promise<void> {
    this.#running = false;
    this.#graceful = graceful;
    this.#notify();
    for (const wake of [...this.#stopWaiters]) wake();
    return this.done;
  }

  async #run(): Promise<void> {
    const lanes = this.#lanes.map((lane) => this.#runLane(lane));
    try {
      await this.#read();
    } finally {
      this.#notify();
      await Promise.all(lanes);
    }
  }

  async #read(): Promise<void> {
    const { batchSize, parallelizationFactor } = this.#props;
    // Read ahead at most two batches a lane: enough to keep lanes busy, bounded in memory.
    const maxBuffered = batchSize * parallelizationFactor * 2;
    let iterator = await this.#retrying('GetShardIterator', () => this.#iterator());
    while (this.#running && iterator) {
      if (this.#tracker.pending >= maxBuffered) {
        await this.#waitForWork(this.#props.pollIntervalMillis);
        continue;
      }
      let records: _Record[];
      try {
        const limit = Math.min(KINESIS.maxRecordsPerGetRecords, maxBuffered);
        const page = await this.#props.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }),
        );
        records = page.Records ?? [];
        iterator = page.NextShardIterator;
      } catch (error) {
        if (!this.#running) return;
        if (error instanceof ExpiredIteratorException) {
          iterator = await this.#retrying('GetShardIterator', () => this.#iterator());
          continue;
        }
        // Lambda's poller never gives up on a shard: throttling and transient faults (the SDK
        // already retried) are waited out, and reading resumes after the last record read.
        this.#reportError('GetRecords', error);
        await this.#backoff();
        iterator = await this.#retrying('GetShardIterator', () => this.#iterator());
        continue;
      }
      this.#failures = 0;
      for (const record of records) this.#enqueue(record);
      if (records.length > 0) this.#notify();
      else if (iterator) await this.#waitForStop(this.#props.pollIntervalMillis);
    }
    if (!iterator) this.#closed = true;
    // A closed shard's last records still need settling before the worker is finished.
    while (this.#running && this.#tracker.pending > 0) await this.#waitForWork(50);
    if (this.#closed && this.#tracker.pending === 0) {
      this.finished = true;
      this.#notify();
    }
  }

  async #iterator(): Promise<string | undefined> {
    const after = this.#lastRead;
    const response = await this.#props.client.send(
      new GetShardIteratorCommand({
        StreamName: this.#props.streamName,
        ShardId: this.#props.shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { ShardIteratorType: this.#props.startingPosition }),
      }),
    );
    return response.ShardIterator;
  }

  #enqueue(record: _Record): void {
    const sequenceNumber = record.SequenceNumber!;
    const partitionKey = record.PartitionKey!;
    this.#lastRead = sequenceNumber;
    this.#tracker.add(sequenceNumber);
    const lane = this.#lanes[laneOf(partitionKey, this.#lanes.length)]!;
    if (lane.queue.length === 0) lane.oldestAt = Date.now();
    lane.queue.push(this.#toLambdaRecord(record));
  }

  #toLambdaRecord(record: _Record): KinesisStreamRecord {
    const { shardId, streamArn, region, accountId, functionName } = this.#props;
    const arrival = record.ApproximateArrivalTimestamp ?? new Date();
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.PartitionKey!,
        sequenceNumber: record.SequenceNumber!,
        data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
        approximateArrivalTimestamp: arrival.getTime() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${record.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${accountId}:role/${functionName}-role`,
      awsRegion: region,
      eventSourceARN: streamArn,
    };
  }

  async #runLane(lane: Lane): Promise<void> {
    const { batchSize, maxBatchingWindowMillis } = this.#props;
    while (this.#running) {
      if (lane.queue.length === 0) {
        if (this.finished) return;
        await this.#waitForWork(this.#props.pollIntervalMillis);
        continue;
      }
      const waited = Date.now() - lane.oldestAt;
      if (lane.queue.length < batchSize && waited < maxBatchingWindowMillis && !this.#closed) {
        await this.#waitForWork(maxBatchingWindowMillis - waited);
        continue;
      }
      const batch = lane.queue.splice(0, batchSize);
      lane.oldestAt = Date.now();
      let result: Awaited<ReturnType<typeof settleBatch>>;
      try {
        result = await settleBatch(batch, {
          ...this.#props.settle,
          shouldStop: () => !this.#running,
        });
      } catch (error) {
        // The on-failure destination could not be reached: keep the batch, retry it later.
        // Nothing is checkpointed, so at worst it is delivered again.
        this.#reportError('on-failure destination', error);
        lane.queue.unshift(...batch);
        await this.#backoff();
        continue;
      }
      // An interrupted batch, or any batch after an abrupt stop, is not checkpointed: it is
      // delivered again after a restart, as Lambda would redeliver it.
      if (!result.settled || (!this.#running && !this.#graceful)) return;
      const moved = this.#tracker.complete(batch.map((r) => r.kinesis.sequenceNumber));
      if (moved) await this.#props.saveCheckpoint(moved);
      this.#notify();
    }
  }

  /** Runs `call` until it succeeds or the worker stops, backing off between failures. */
  async #retrying<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    while (this.#running) {
      try {
        const value = await call();
        this.#failures = 0;
        return value;
      } catch (error) {
        if (!this.#running) return undefined;
        this.#reportError(what, error);
        await this.#backoff();
      }
    }
    return undefined;
  }

  /** Full-jitter exponential backoff up to 5 s, cut short by a stop. */
  #backoff(): Promise<void> {
    this.#failures += 1;
    const ceiling = Math.min(5_000, 100 * 2 ** Math.min(this.#failures, 6));
    return this.#waitForStop(Math.random() * ceiling);
  }

  #reportError(what: string, error: unknown): void {
    this.lastError = error;
    this.errors += 1;
    // One line per failure streak's first error, then every 20th: visible, not a flood.
    if (this.#failures % 20 === 0) {
      console.error(
        `kinesis event source: ${this.#props.shardId}: ${what} failed; retrying`,
        error,
      );
    }
  }

  #waitForStop(maxMillis: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#stopWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, maxMillis));
      this.#stopWaiters.add(done);
    });
  }

  #waitForWork(maxMillis: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, maxMillis));
      this.#waiters.add(wake);
    });
  }

  #notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/** The lane of a partition key: a stable hash, so one key always runs in one lane. */
function laneOf(partitionKey: string, lanes: number): number {
  if (lanes === 1) return 0;
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % lanes;
}
