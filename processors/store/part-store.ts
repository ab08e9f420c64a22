/**
 * Reads and conditional writes of window parts: the DynamoDB edge of filter-then-merge.
 *
 * A part item holds its full state (binary, see `part-state-codec.ts`: statistics, sketch,
 * recent event-id hashes and the marks, the last position taken per ordering unit) and a
 * `version`. Writes are whole-item puts conditioned on the version that was read (or on the
 * item not existing), so a writer that lost a race learns it and re-reads instead of
 * overwriting; open parts carry `openShard`/`openUntil`, the keys of the sparse
 * `open-parts` index that closing queries.
 */

import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DYNAMODB } from '../../infra/limits.ts';
import type { StoredPart } from '../engine/absorb.ts';
import type { PartKey } from '../engine/batch-plan.ts';
import { batchGetItems } from './batch-get.ts';
import { AggregateStoreError, isConditionalCheckFailed } from './errors.ts';
import { itemSizeBytes, marksThatFit, PartTooLargeError } from './item-size.ts';
import { closedWindowSk, partSk, seriesPk, windowStartKey } from './keys.ts';
import { decodePartState, encodePartState } from './part-state-codec.ts';

/** Attribute names of part items, named once. */
export const PART_ATTRIBUTES = {
  kind: 'kind',
  state: 'state',
  version: 'version',
  closedAt: 'closedAt',
  openShard: 'openShard',
  openUntil: 'openUntil',
} as const;

/** Index over open parts: partition `OPEN#<shardId>`, sort by window end. */
export const OPEN_PARTS_INDEX = 'open-parts';

/** Where parts live and how they are encoded. */
export interface PartStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly relativeAccuracy: number;
  /** How long a part is kept after its window ends, for DynamoDB TTL. */
  readonly retentionSeconds: number;
}

/** The primary key of a part. */
export function partItemKey(key: PartKey): { pk: string; sk: string } {
  return {
    pk: seriesPk(key.source, key.metric, key.windowSizeMillis),
    sk: partSk(key.windowStart, key.shardId, key.partitionKey),
  };
}

/** The `openShard` value of a shard's open parts. */
export function openShardKey(shardId: string): string {
  return `OPEN#${shardId}`;
}

function itemId(pk: string, sk: string): string {
  return `${pk}\u0000${sk}`;
}

/** Turns a stored item into a part. */
export function partFromItem(
  item: Record<string, AttributeValue>,
  relativeAccuracy: number,
): StoredPart {
  const pk = item.pk?.S ?? '';
  const sk = item.sk?.S ?? '';
  const blob = item[PART_ATTRIBUTES.state]?.B;
  if (blob === undefined)
    throw new AggregateStoreError(
      'read',
      { tableName: '?', detail: `${pk} ${sk} has no state` },
      'missing attribute',
    );
  const { state, recentIdHashes, marks } = decodePartState(blob, relativeAccuracy, { pk, sk });
  return {
    state,
    recentIdHashes,
    marks,
    version: Number(item[PART_ATTRIBUTES.version]?.N ?? 0),
    closed: item[PART_ATTRIBUTES.closedAt] !== undefined,
  };
}

/**
 * Reads the parts of `keys` with strongly consistent reads (a stale read would only cost a lost
 * condition, but on every batch). Keys absent from the result have no item yet.
 */
export async function readParts(
  options: PartStoreOptions,
  keys: readonly PartKey[],
): Promise<Map<string, StoredPart>> {
  const found = new Map<string, StoredPart>();
  const items = await batchGetItems(options.client, options.tableName, keys.map(partItemKey));
  for (const item of items) {
    found.set(
      itemId(item.pk?.S ?? '', item.sk?.S ?? ''),
      partFromItem(item, options.relativeAccuracy),
    );
  }
  return found;
}

/** The stored part of `key` in a `readParts` result. */
export function lookupPart(
  parts: ReadonlyMap<string, StoredPart>,
  key: PartKey,
): StoredPart | undefined {
  const { pk, sk } = partItemKey(key);
  return parts.get(itemId(pk, sk));
}

/** Reads one part (after a lost condition). */
export async function readPart(
  options: PartStoreOptions,
  key: PartKey,
): Promise<StoredPart | undefined> {
  const { pk, sk } = partItemKey(key);
  try {
    const response = await options.client.send(
      new GetItemCommand({
        TableName: options.tableName,
        Key: { pk: { S: pk }, sk: { S: sk } },
        ConsistentRead: true,
      }),
    );
    return response.Item ? partFromItem(response.Item, options.relativeAccuracy) : undefined;
  } catch (error) {
    throw new AggregateStoreError(
      'GetItem',
      { tableName: options.tableName, detail: `${pk} ${sk}` },
      error,
    );
  }
}

/** Outcome of a conditional part write; `marksDropped` by the item-size rule (`item-size.ts`). */
export type PartWriteOutcome =
  | { readonly status: 'written'; readonly marksDropped: number }
  | { readonly status: 'conflict' };

/**
 * Writes `next` over the part, on condition that it is still at `expectedVersion` (or, when
 * that is undefined, that it does not exist) and is not closed. The item is measured first and
 * never sent above DynamoDB's item limit: marks are pruned by the rule of `item-size.ts`.
 *
 * @throws {PartTooLargeError} when the item does not fit even without the marks it may drop.
 */
export async function writePart(
  options: PartStoreOptions,
  key: PartKey,
  next: StoredPart,
  expectedVersion: number | undefined,
  nowMillis: number,
): Promise<PartWriteOutcome> {
  const { pk, sk } = partItemKey(key);
  const item: Record<string, AttributeValue> = {
    pk: { S: pk },
    sk: { S: sk },
    [PART_ATTRIBUTES.kind]: { S: 'part' },
    source: { S: key.source },
    metric: { S: key.metric },
    windowSizeMillis: { N: String(key.windowSizeMillis) },
    windowStart: { N: String(key.windowStart) },
    windowEnd: { N: String(key.windowEnd) },
    shardId: { S: key.shardId },
    partitionKey: { S: key.partitionKey },
    count: { N: String(next.state.count) },
    [PART_ATTRIBUTES.state]: {
      B: encodePartState({
        state: next.state,
        recentIdHashes: next.recentIdHashes,
        marks: next.marks,
      }),
    },
    [PART_ATTRIBUTES.version]: { N: String(next.version) },
    [PART_ATTRIBUTES.openShard]: { S: openShardKey(key.shardId) },
    [PART_ATTRIBUTES.openUntil]: { S: windowStartKey(key.windowEnd) },
    updatedAt: { N: String(nowMillis) },
    expiresAt: { N: String(expiresAtSeconds(key.windowEnd, options.retentionSeconds)) },
  };
  const fitted = marksThatFit(next.marks, itemSizeBytes(item));
  if (fitted.dropped > 0) {
    item[PART_ATTRIBUTES.state] = {
      B: encodePartState({
        state: next.state,
        recentIdHashes: next.recentIdHashes,
        marks: fitted.marks,
      }),
    };
  }
  const itemBytes = fitted.dropped > 0 ? itemSizeBytes(item) : fitted.itemBytes;
  if (itemBytes > DYNAMODB.maxItemBytes)
    throw new PartTooLargeError({ pk, sk, itemBytes, limitBytes: DYNAMODB.maxItemBytes });
  const conditional =
    expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#version = :version AND attribute_not_exists(#closedAt)',
          ExpressionAttributeNames: {
            '#version': PART_ATTRIBUTES.version,
            '#closedAt': PART_ATTRIBUTES.closedAt,
          },
          ExpressionAttributeValues: { ':version': { N: String(expectedVersion) } },
        };
  try {
    await options.client.send(
      new PutItemCommand({ TableName: options.tableName, Item: item, ...conditional }),
    );
    return { status: 'written', marksDropped: fitted.dropped };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { status: 'conflict' };
    throw new AggregateStoreError(
      'PutItem',
      { tableName: options.tableName, detail: `${pk} ${sk}` },
      error,
    );
  }
}

/** DynamoDB TTL (epoch seconds) of an item of a window ending at `windowEndMillis`. */
export function expiresAtSeconds(windowEndMillis: number, retentionSeconds: number): number {
  return Math.max(0, Math.floor(windowEndMillis / 1000) + retentionSeconds);
}

/**
 * Which of the windows of `keys` already have a closed-window marker. Asked only for parts that
 * do not exist yet: a shard that first writes to a window after the window was finished must
 * treat its events as late rather than open a part nobody will emit.
 */
export async function readClosedWindows(
  options: PartStoreOptions,
  keys: readonly PartKey[],
): Promise<Set<string>> {
  const wanted = new Map<string, { pk: string; sk: string }>();
  for (const key of keys) {
    const pk = seriesPk(key.source, key.metric, key.windowSizeMillis);
    const sk = closedWindowSk(key.windowStart);
    wanted.set(itemId(pk, sk), { pk, sk });
  }
  const found = new Set<string>();
  const items = await batchGetItems(options.client, options.tableName, [...wanted.values()], {
    projection: 'pk, sk',
  });
  for (const item of items) found.add(itemId(item.pk?.S ?? '', item.sk?.S ?? ''));
  return found;
}

/** Whether the window of `key` is in a `readClosedWindows` result. */
export function isWindowClosed(closed: ReadonlySet<string>, key: PartKey): boolean {
  return closed.has(
    itemId(seriesPk(key.source, key.metric, key.windowSizeMillis), closedWindowSk(key.windowStart)),
  );
}
