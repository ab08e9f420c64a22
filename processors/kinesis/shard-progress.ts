/**
 * Per-shard event time: the largest event time a shard has delivered, persisted in the shard's
 * state item (`pk = SHARDS`, `sk = <shardId>`), and the watermark derived from it
 * (`maxEventTime - allowedLateness`).
 *
 * The stored maximum only grows (a conditional `SET` that loses to a larger value is dropped), so
 * concurrent batches of one shard (parallelization factor above 1) and redeliveries can only
 * move it forward. A batch advances it only with the events of records before its first failed
 * record, the ones the event source mapping will not deliver again. Each batch judges lateness
 * against the value read when it began, never against its own events.
 */

import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ShardTime } from '../engine/absorb.ts';
import type { EventColumns, RecordContext } from '../engine/event-columns.ts';
import { batchGetItems } from '../store/batch-get.ts';
import { isConditionalCheckFailed } from '../store/errors.ts';
import { SHARDS_PK } from '../store/keys.ts';
import type { PartStoreOptions } from '../store/part-store.ts';
import type { DecodedBatch } from './decode-records.ts';

/** Shard times of one batch. */
export interface ShardTimes {
  timeOf(shardId: string): ShardTime;
}

const NO_TIME: ShardTime = {
  maxEventTimeMillis: Number.NEGATIVE_INFINITY,
  watermarkMillis: Number.NEGATIVE_INFINITY,
};

/** Reads the shard state of every shard in the batch (usually one). */
export async function loadShardTimes(
  store: PartStoreOptions,
  events: EventColumns,
  allowedLatenessMillis: number,
): Promise<ShardTimes> {
  const shardIds = [...new Set(contextsWithEvents(events).map((c) => c.shardId))];
  const times = new Map<string, ShardTime>();
  if (shardIds.length > 0) {
    const items = await batchGetItems(
      store.client,
      store.tableName,
      shardIds.map((id) => ({ pk: SHARDS_PK, sk: id })),
    );
    for (const item of items) {
      const max = Number(item.maxEventTime?.N ?? Number.NaN);
      if (item.sk?.S && Number.isFinite(max)) {
        times.set(item.sk.S, {
          maxEventTimeMillis: max,
          watermarkMillis: max - allowedLatenessMillis,
        });
      }
    }
  }
  return { timeOf: (shardId) => times.get(shardId) ?? NO_TIME };
}

/** Largest event time per shard among events of records before the first failed one. */
export function settledMaxEventTimes(
  batch: DecodedBatch,
  failed: ReadonlySet<string>,
): Map<string, number> {
  const firstFailed = batch.sequenceNumbers.findIndex((s) => failed.has(s));
  const settled = new Set(
    firstFailed < 0 ? batch.sequenceNumbers : batch.sequenceNumbers.slice(0, firstFailed),
  );
  const max = new Map<string, number>();
  const { events } = batch;
  const { records, timestamps, recordContexts } = events;
  for (let i = 0; i < events.length; i++) {
    const context = recordContexts[records[i]!]!;
    if (!settled.has(context.sequenceNumber)) continue;
    const t = max.get(context.shardId);
    if (t === undefined || timestamps[i]! > t) max.set(context.shardId, timestamps[i]!);
  }
  return max;
}

/** The record contexts that hold at least one valid event, in order. */
function contextsWithEvents(events: EventColumns): RecordContext[] {
  const used: RecordContext[] = [];
  let last = -1;
  for (let i = 0; i < events.length; i++) {
    const record = events.records[i]!;
    if (record !== last) used.push(events.recordContexts[record]!);
    last = record;
  }
  return used;
}

/**
 * Moves each shard's stored max event time forward and stamps its last activity (what the idle
 * sweep reads). Failures are logged, not thrown: a watermark that lags only delays closing.
 */
export async function recordShardProgress(
  store: PartStoreOptions,
  batch: DecodedBatch,
  failed: ReadonlySet<string>,
  nowMillis: number,
): Promise<Map<string, number>> {
  const max = settledMaxEventTimes(batch, failed);
  for (const [shardId, t] of max) {
    const key = { pk: { S: SHARDS_PK }, sk: { S: shardId } };
    try {
      await store.client.send(
        new UpdateItemCommand({
          TableName: store.tableName,
          Key: key,
          UpdateExpression: 'SET maxEventTime = :t, lastActivityAt = :now',
          ConditionExpression: 'attribute_not_exists(maxEventTime) OR maxEventTime < :t',
          ExpressionAttributeValues: { ':t': { N: String(t) }, ':now': { N: String(nowMillis) } },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'shard progress update failed',
            shardId,
            error: String(error),
          }),
        );
        continue;
      }
      await store.client
        .send(
          new UpdateItemCommand({
            TableName: store.tableName,
            Key: key,
            UpdateExpression: 'SET lastActivityAt = :now',
            ExpressionAttributeValues: { ':now': { N: String(nowMillis) } },
          }),
        )
        .catch((e: unknown) =>
          console.error(
            JSON.stringify({
              level: 'error',
              msg: 'shard activity update failed',
              shardId,
              error: String(e),
            }),
          ),
        );
    }
  }
  return max;
}
