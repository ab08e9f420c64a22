/**
 * A small model of the Lambda Kinesis event source mapping for property tests: per shard and
 * per parallelization lane (partition keys hashed to lanes, order kept per key), a checkpoint;
 * batches from it; on a function error the batch is bisected and retried; on partial failures
 * the next batch starts at the lowest failed sequence number. Chaos on top: whole batches
 * replayed after success, and restarts from an older checkpoint.
 */

import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';

/** Random choices the simulator makes, drawn by the test (fast-check) so runs replay. */
export interface Chaos {
  /** Batch size in [1, max]. */
  batchSize(max: number): number;
  /** Whether to deliver the batch just processed once more. */
  replay(): boolean;
  /** How many records to step the checkpoint back (a restart from an old checkpoint), 0 for none. */
  restartBack(): number;
}

export type Handler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse>;

/** Delivers `records` of one lane until all are checkpointed; bounded by `maxInvocations`. */
async function runLane(
  records: readonly KinesisStreamRecord[],
  handler: Handler,
  chaos: Chaos,
  context: Context,
  maxInvocations: number,
): Promise<number> {
  let checkpoint = 0;
  let limit = 10;
  let invocations = 0;
  while (checkpoint < records.length) {
    if (++invocations > maxInvocations)
      throw new Error(`lane did not finish within ${maxInvocations} invocations`);
    const batch = records.slice(checkpoint, checkpoint + Math.min(limit, chaos.batchSize(limit)));
    let response: KinesisStreamBatchResponse;
    try {
      response = await handler({ Records: batch }, context);
    } catch {
      limit = Math.max(1, Math.floor(batch.length / 2)); // bisect on function error
      continue;
    }
    limit = 10;
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const firstFailed = batch.findIndex((r) => failed.has(r.kinesis.sequenceNumber));
    if (firstFailed >= 0) {
      checkpoint += firstFailed;
      continue;
    }
    if (chaos.replay()) continue;
    checkpoint += batch.length;
    checkpoint = Math.max(0, checkpoint - chaos.restartBack());
  }
  return invocations;
}

/**
 * Delivers every shard's records, shards and lanes concurrently. `laneOf` maps a partition key
 * to a lane (the parallelization factor is the number of distinct lanes).
 */
export async function deliverAll(
  shards: ReadonlyMap<string, readonly KinesisStreamRecord[]>,
  handler: Handler,
  chaos: Chaos,
  context: Context,
  laneOf: (partitionKey: string) => number,
  maxInvocations = 2_000,
): Promise<number> {
  const lanes: Promise<number>[] = [];
  for (const records of shards.values()) {
    const byLane = new Map<number, KinesisStreamRecord[]>();
    for (const r of records) {
      const lane = laneOf(r.kinesis.partitionKey);
      const list = byLane.get(lane) ?? [];
      byLane.set(lane, list);
      list.push(r);
    }
    for (const list of byLane.values())
      lanes.push(runLane(list, handler, chaos, context, maxInvocations));
  }
  return (await Promise.all(lanes)).reduce((a, b) => a + b, 0);
}
