/**
 * A local stand-in for Lambda's event source mapping for Kinesis. It discovers every shard
 * (ListShards, refreshed so resharding is followed, children started once their parents are
 * done), reads each with a {@link ShardWorker}, invokes the handler with real
 * `KinesisStreamEvent`s, and keeps per-shard checkpoints in a {@link CheckpointStore}.
 *
 * Settings mirror `AWS::Lambda::EventSourceMapping`: BatchSize, MaximumBatchingWindowInSeconds,
 * ParallelizationFactor, MaximumRetryAttempts, BisectBatchOnFunctionError,
 * FunctionResponseTypes=ReportBatchItemFailures, StartingPosition and an on-failure destination.
 */

import { randomUUID } from 'node:crypto';
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { LAMBDA_KINESIS_ESM } from '../../limits.ts';
import { type CheckpointStore, MemoryCheckpointStore } from './checkpoints.ts';
import type { FailureCondition, InvocationOutcome } from './kinesis-batch.ts';
import { ShardWorker } from './kinesis-shard-worker.ts';
import { lambdaContext } from './lambda-context.ts';

/** A Kinesis-triggered handler as Lambda invokes it. */
export type KinesisHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | undefined> | Promise<void>;

/** What Lambda sends to an on-failure destination of a Kinesis mapping (records are not included). */
export interface KinesisOnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError: string;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** Options of {@link KinesisEventSource}. */
export interface KinesisEventSourceProps {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly functionName: string;
  readonly handler: KinesisHandler;
  /** @default a fresh {@link MemoryCheckpointStore} */
  readonly checkpoints?: CheckpointStore;
  /** @default 100 (Lambda's default) */
  readonly batchSize?: number;
  /** @default 0 */
  readonly maxBatchingWindowMillis?: number;
  /** Concurrent batches per shard, ordered per partition key. @default 1 */
  readonly parallelizationFactor?: number;
  /** Retries after the first attempt; -1 retries until the record expires, as on AWS. @default -1 */
  readonly retryAttempts?: number;
  /** @default false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** @default false */
  readonly reportBatchItemFailures?: boolean;
  /** Used when a shard has no checkpoint. @default 'TRIM_HORIZON' */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** The on-failure destination. @default logs the record to stderr */
  readonly onFailure?: (record: KinesisOnFailureRecord) => Promise<void>;
  /** Wait between GetRecords calls on an empty shard. @default 100 */
  readonly pollIntervalMillis?: number;
  /** How often ListShards runs to follow resharding. @default 5_000 */
  readonly shardRefreshMillis?: number;
  /** Base delay of the backoff between retries. @default 50 */
  readonly retryBackoffMillis?: number;
  /** The function's timeout, for `context.getRemainingTimeInMillis`. @default 60_000 */
  readonly timeoutMillis?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
}

/** Counters of a running mapping. */
export interface EventSourceStats {
  invocations: number;
  recordsDelivered: number;
  recordsSentToDestination: number;
  functionErrors: number;
}

/** A running local event source mapping; call {@link start}, then {@link stop}. */
export class KinesisEventSource {
  readonly #props: KinesisEventSourceProps;
  readonly #checkpoints: CheckpointStore;
  readonly #workers = new Map<string, ShardWorker>();
  readonly #finished = new Set<string>();
  readonly stats: EventSourceStats = {
    invocations: 0,
    recordsDelivered: 0,
    recordsSentToDestination: 0,
    functionErrors: 0,
  };
  #streamArn = '';
  #refresh: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #running = false;
  #error: unknown;

  constructor(props: KinesisEventSourceProps) {
    validate(props);
    this.#props = props;
    this.#checkpoints = props.checkpoints ?? new MemoryCheckpointStore();
  }

  /** Discovers the shards and starts reading them. Resolves once every shard has a reader. */
  async start(): Promise<void> {
    const summary = await this.#props.client.send(
      new DescribeStreamSummaryCommand({ StreamName: this.#props.streamName }),
    );
    this.#streamArn = summary.StreamDescriptionSummary!.StreamARN!;
    this.#running = true;
    await this.#discover();
    this.#refresh = setInterval(() => {
      this.#refreshing ??= this.#discover().finally(() => {
        this.#refreshing = undefined;
      });
    }, this.#props.shardRefreshMillis ?? 5_000);
  }

  /**
   * Stops every reader. Graceful (the default) lets in-flight invocations finish and checkpoints
   * them; `{ graceful: false }` behaves like a crash of the poller: nothing in flight is
   * checkpointed, so those records are delivered again after a restart.
   */
  async stop(options: { readonly graceful?: boolean } = {}): Promise<void> {
    this.#running = false;
    clearInterval(this.#refresh);
    await this.#refreshing;
    await Promise.all([...this.#workers.values()].map((w) => w.stop(options.graceful ?? true)));
    await this.#checkpoints.flush();
    if (this.#error) throw this.#error;
  }

  /** The first unexpected error a reader hit (an emulator gone away), if any. */
  get error(): unknown {
    return this.#error;
  }

  async #discover(): Promise<void> {
    const shards = await this.#listShards();
    const known = new Set(shards.map((s) => s.ShardId!));
    for (const [shardId, worker] of this.#workers) {
      if (worker.finished) this.#finished.add(shardId);
    }
    for (const shard of shards) {
      const shardId = shard.ShardId!;
      if (!this.#running || this.#workers.has(shardId)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (p): p is string => p !== undefined && known.has(p),
      );
      if (!parents.every((p) => this.#finished.has(p))) continue;
      await this.#startWorker(shardId);
    }
  }

  async #listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#props.client.send(
        new ListShardsCommand(
          nextToken ? { NextToken: nextToken } : { StreamName: this.#props.streamName },
        ),
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return shards;
  }

  async #startWorker(shardId: string): Promise<void> {
    const p = this.#props;
    const region = p.region ?? 'us-east-1';
    const accountId = p.accountId ?? '000000000000';
    const retryAttempts = p.retryAttempts ?? -1;
    const backoffBase = p.retryBackoffMillis ?? 50;
    const worker = new ShardWorker({
      client: p.client,
      streamName: p.streamName,
      streamArn: this.#streamArn,
      shardId,
      region,
      accountId,
      functionName: p.functionName,
      batchSize: p.batchSize ?? 100,
      maxBatchingWindowMillis: p.maxBatchingWindowMillis ?? 0,
      parallelizationFactor: p.parallelizationFactor ?? 1,
      startingPosition: p.startingPosition ?? 'TRIM_HORIZON',
      pollIntervalMillis: p.pollIntervalMillis ?? 100,
      checkpoint: await this.#checkpoints.get(shardId),
      saveCheckpoint: (sequenceNumber) => this.#checkpoints.set(shardId, sequenceNumber),
      settle: {
        retryAttempts: retryAttempts < 0 ? Number.POSITIVE_INFINITY : retryAttempts,
        bisectBatchOnFunctionError: p.bisectBatchOnFunctionError ?? false,
        reportBatchItemFailures: p.reportBatchItemFailures ?? false,
        invoke: (records) => this.#invoke(records),
        onFailure: (records, condition, error, count) =>
          this.#sendToDestination(shardId, records, condition, error, count),
        backoff: (attempt) =>
          new Promise((resolve) =>
            setTimeout(resolve, Math.random() * backoffBase * 2 ** Math.min(attempt, 6)),
          ),
      },
    });
    worker.done.catch((error: unknown) => {
      this.#error ??= error;
      console.error(`kinesis event source: reader of ${shardId} stopped`, error);
    });
    this.#workers.set(shardId, worker);
  }

  async #invoke(records: readonly KinesisStreamRecord[]): Promise<InvocationOutcome> {
    this.stats.invocations += 1;
    this.stats.recordsDelivered += records.length;
    const context = lambdaContext({
      functionName: this.#props.functionName,
      timeoutMillis: this.#props.timeoutMillis ?? 60_000,
      ...(this.#props.region ? { region: this.#props.region } : {}),
    });
    try {
      const response = await this.#props.handler({ Records: [...records] }, context);
      return { status: 'succeeded', response: response ?? undefined };
    } catch (error) {
      this.stats.functionErrors += 1;
      return { status: 'function-error', error };
    }
  }

  async #sendToDestination(
    shardId: string,
    records: readonly KinesisStreamRecord[],
    condition: FailureCondition,
    error: unknown,
    invokeCount: number,
  ): Promise<void> {
    this.stats.recordsSentToDestination += records.length;
    const first = records[0]!.kinesis;
    const last = records[records.length - 1]!.kinesis;
    const region = this.#props.region ?? 'us-east-1';
    const account = this.#props.accountId ?? '000000000000';
    const record: KinesisOnFailureRecord = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:aws:lambda:${region}:${account}:function:${this.#props.functionName}`,
        condition,
        approximateInvokeCount: invokeCount,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        functionError: error instanceof Error ? error.message : 'Unhandled',
      },
      version: '1.0',
      timestamp: new Date().toISOString(),
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(
          first.approximateArrivalTimestamp * 1000,
        ).toISOString(),
        approximateArrivalOfLastRecord: new Date(
          last.approximateArrivalTimestamp * 1000,
        ).toISOString(),
        batchSize: records.length,
        streamArn: this.#streamArn,
      },
    };
    if (this.#props.onFailure) await this.#props.onFailure(record);
    else console.error('kinesis event source: batch sent to on-failure destination', record);
  }
}

/** Eager validation, in the style of CDK constructs: show the value and the allowed range. */
function validate(props: KinesisEventSourceProps): void {
  const check = (name: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
    }
  };
  check('batchSize', props.batchSize, 1, LAMBDA_KINESIS_ESM.maxBatchSize);
  check(
    'maxBatchingWindowMillis',
    props.maxBatchingWindowMillis,
    0,
    LAMBDA_KINESIS_ESM.maxBatchingWindowSeconds * 1000,
  );
  check(
    'parallelizationFactor',
    props.parallelizationFactor,
    1,
    LAMBDA_KINESIS_ESM.maxParallelizationFactor,
  );
  check('retryAttempts', props.retryAttempts, -1, LAMBDA_KINESIS_ESM.maxRetryAttempts);
}
