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
  ProvisionedThroughputExceededException,
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  #wake: (() => void) | undefined;
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
    if (this.#closed && this.#tracker.pending === 0) this.finished = true;
  }

  async #read(): Promise<void> {
    const { batchSize, parallelizationFactor } = this.#props;
    // Read ahead at most two batches a lane: enough to keep lanes busy, bounded in memory.
    const maxBuffered = batchSize * parallelizationFactor * 2;
    let iterator = await this.#iterator();
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
        if (error instanceof ExpiredIteratorException) {
          iterator = await this.#iterator();
          continue;
        }
        if (error instanceof ProvisionedThroughputExceededException) {
          await sleep(1_000);
          continue;
        }
        if (!this.#running) return;
        throw error;
      }
      for (const record of records) this.#enqueue(record);
      if (records.length > 0) this.#notify();
      else if (iterator) await sleep(this.#props.pollIntervalMillis);
    }
    if (!iterator) this.#closed = true;
    // A closed shard's last records still need settling before the worker is finished.
    while (this.#running && this.#tracker.pending > 0) await this.#waitForWork(50);
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
      const result = await settleBatch(batch, {
        ...this.#props.settle,
        shouldStop: () => !this.#running,
      });
      // An interrupted batch, or any batch after an abrupt stop, is not checkpointed: it is
      // delivered again after a restart, as Lambda would redeliver it.
      if (!result.settled || (!this.#running && !this.#graceful)) return;
      const moved = this.#tracker.complete(batch.map((r) => r.kinesis.sequenceNumber));
      if (moved) await this.#props.saveCheckpoint(moved);
      this.#notify();
    }
  }

  #waitForWork(maxMillis: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, maxMillis));
      const previous = this.#wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        previous?.();
        done();
      };
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** The lane of a partition key: a stable hash, so one key always runs in one lane. */
function laneOf(partitionKey: string, lanes: number): number {
  if (lanes === 1) return 0;
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % lanes;
}
