/**
 * The stream watermark: the lowest watermark over every shard the stream has, which is what a
 * window must be behind before its closed-window marker may be claimed.
 *
 * A window's parts are written by every shard that has events for it, and a shard that has not
 * written its part yet is invisible in the window's own items. Closing on "all existing parts are
 * closed" therefore emitted a window while a lagging shard (another shard of a spread hot source,
 * or a shard behind on its iterator) had yet to write to it: its events were reported late, or
 * landed in a part created after the window was emitted. Shards are known from their `SHARDS`
 * items instead, and a window closes only once each of them is past its end.
 *
 * A shard's watermark is its stored `maxEventTime - allowedLateness`; a shard with no record for
 * `idleTimeoutMillis` of wall clock (its `lastActivityAt`) counts as `now - allowedLateness`, the
 * sweep's idle rule, so a stopped or closed shard (after resharding) never holds windows forever.
 */

import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SHARDS_PK } from '../store/keys.ts';
import type { PartStoreOptions } from '../store/part-store.ts';

/** What the stream watermark is computed from. */
export interface WatermarkRule {
  readonly allowedLatenessMillis: number;
  readonly idleTimeoutMillis: number;
  readonly nowMillis: number;
}

/** A shard's state item as the watermark rule reads it. */
export interface ShardState {
  readonly shardId: string;
  /** Largest event time the shard has settled; -Infinity when none is stored. */
  readonly maxEventTimeMillis: number;
  /** Wall-clock time of the shard's last batch; -Infinity when none is stored. */
  readonly lastActivityAtMillis: number;
}

/** One shard's watermark under the rule: its own, or the idle rule's when idle. */
export function shardWatermark(shard: ShardState, rule: WatermarkRule): number {
  const own = shard.maxEventTimeMillis - rule.allowedLatenessMillis;
  const idle = rule.nowMillis - shard.lastActivityAtMillis >= rule.idleTimeoutMillis;
  return idle ? Math.max(own, rule.nowMillis - rule.allowedLatenessMillis) : own;
}

/**
 * The lowest shard watermark; -Infinity when no shard is known (nothing may close then, but
 * closing only runs after a batch stored its shard's item, so at least that one is known).
 */
export function streamWatermark(shards: readonly ShardState[], rule: WatermarkRule): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const shard of shards) lowest = Math.min(lowest, shardWatermark(shard, rule));
  return shards.length === 0 ? Number.NEGATIVE_INFINITY : lowest;
}

/** Reads every shard's state item (one consistent Query of the `SHARDS` partition, paged). */
export async function readShardStates(store: PartStoreOptions): Promise<ShardState[]> {
  const shards: ShardState[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const response = await store.client.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: SHARDS_PK } },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of response.Items ?? []) {
      const shardId = item.sk?.S;
      if (shardId === undefined) continue;
      shards.push({
        shardId,
        maxEventTimeMillis: numberOr(item.maxEventTime?.N, Number.NEGATIVE_INFINITY),
        lastActivityAtMillis: numberOr(item.lastActivityAt?.N, Number.NEGATIVE_INFINITY),
      });
    }
    startKey = response.LastEvaluatedKey;
  } while (startKey);
  return shards;
}

function numberOr(text: string | undefined, fallback: number): number {
  const n = Number(text ?? Number.NaN);
  return Number.isFinite(n) ? n : fallback;
}
