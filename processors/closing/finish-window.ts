/**
 * Finishing one window: closing a part (an idempotent conditional transition), and claiming the
 * window's marker once every part is closed and the stream watermark is past the window end.
 * Split from `close-windows.ts`, which finds due parts and emits what this claims.
 */

import {
  type AttributeValue,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { encodeRecord } from '../../schemas/codec.ts';
import type { WindowAggregate } from '../../schemas/types.ts';
import { serializeSketch } from '../aggregates/sketch.ts';
import {
  emptyWindowState,
  mergeWindowState,
  windowStatistics,
} from '../aggregates/window-state.ts';
import { mapBounded } from '../engine/bounded.ts';
import { isConditionalCheckFailed } from '../store/errors.ts';
import { closedWindowSk, windowSkPrefix, windowStartKey } from '../store/keys.ts';
import {
  expiresAtSeconds,
  PART_ATTRIBUTES,
  type PartStoreOptions,
  partFromItem,
} from '../store/part-store.ts';
import type { CloseOptions } from './close-windows.ts';

/** Index partition of closed windows whose emission is not yet confirmed. */
export const PENDING_EMISSION_KEY = 'EMIT';

/** Index partition of closed parts whose window has not been finished yet (crash recovery). */
export const CLOSING_KEY = 'CLOSING';

/** The primary key of an item. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A part this pass closed, with its window start. */
export interface ClosedPart extends ItemKey {
  readonly windowStart: number;
}

/** Closes one part; resolves with its window when this call did the transition. */
export async function closePart(
  options: CloseOptions,
  key: ItemKey,
): Promise<ClosedPart | undefined> {
  try {
    const response = await options.store.client.send(
      new UpdateItemCommand({
        TableName: options.store.tableName,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        // Parked under CLOSING (not yet out of the index) until its window is finished, so that a
        // crash between closing and finishing leaves a trace the sweep picks up.
        UpdateExpression: 'SET #closedAt = :now, #shard = :closing, #until = :nowKey',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#closedAt)',
        ExpressionAttributeNames: {
          '#closedAt': PART_ATTRIBUTES.closedAt,
          '#shard': PART_ATTRIBUTES.openShard,
          '#until': PART_ATTRIBUTES.openUntil,
        },
        ExpressionAttributeValues: {
          ':now': { N: String(options.nowMillis) },
          ':closing': { S: CLOSING_KEY },
          ':nowKey': { S: windowStartKey(options.nowMillis) },
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { pk: key.pk, sk: key.sk, windowStart: Number(response.Attributes?.windowStart?.N) };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/** A window that won its marker, with the marker's key. */
export interface MarkedWindow {
  readonly pk: string;
  readonly sk: string;
  readonly aggregate: WindowAggregate;
}

/**
 * What finishing a window found: `claimed` (this call won the marker and must emit), `not-due`
 * (a part is still open, whose closer finishes it, or the marker exists already) or `deferred`
 * (all parts are closed but a shard's watermark is not past the end yet). `alsoClosed`: parts of
 * other shards this call closed on the way, to take out of CLOSING with its own.
 */
export type FinishOutcome =
  | {
      readonly status: 'claimed';
      readonly window: MarkedWindow;
      readonly alsoClosed: readonly ClosedPart[];
    }
  | { readonly status: 'not-due'; readonly alsoClosed: readonly ClosedPart[] }
  | { readonly status: 'deferred' };

const isPart = (i: Record<string, AttributeValue>) => i[PART_ATTRIBUTES.kind]?.S === 'part';
const isOpen = (i: Record<string, AttributeValue>) => i[PART_ATTRIBUTES.closedAt] === undefined;

/**
 * If every part of the window is closed and the stream watermark `stream` is past its end,
 * claims its marker and returns the aggregate to emit.
 */
export async function finishWindow(
  options: CloseOptions,
  pk: string,
  windowStart: number,
  stream: number,
): Promise<FinishOutcome> {
  const { store } = options;
  let items = await readWindowItems(store, pk, windowStart);
  const first = items.find(isPart);
  if (first === undefined || items.some((i) => i[PART_ATTRIBUTES.kind]?.S === 'window'))
    return NOT_DUE;
  const windowSizeMillis = Number(first.windowSizeMillis?.N);
  // Every shard must be past the end, not only those with a part: one that has not written its
  // part yet would otherwise add to (or be reported late for) a window already emitted.
  if (!(windowStart + windowSizeMillis <= stream))
    return items.filter(isPart).some(isOpen) ? NOT_DUE : { status: 'deferred' };
  // Past the stream watermark, other shards' open parts may close now (each of their shards is
  // past the end too), so the window need not wait for their next batch. Re-read after closing:
  // a write may have landed between the read and the close.
  const alsoClosed: ClosedPart[] = [];
  const open = items.filter((i) => isPart(i) && isOpen(i));
  if (open.length > 0) {
    const keys = open.map((i) => ({ pk, sk: i.sk?.S ?? '' }));
    for (const c of await mapBounded(keys, options.maxConcurrentWrites, (k) =>
      closePart(options, k),
    ))
      if (c !== undefined) alsoClosed.push(c);
    items = await readWindowItems(store, pk, windowStart);
  }
  const parts = items.filter(isPart);
  if (parts.some(isOpen) || items.some((i) => i[PART_ATTRIBUTES.kind]?.S === 'window'))
    return { status: 'not-due', alsoClosed };
  const state = emptyWindowState(store.relativeAccuracy);
  for (const item of parts)
    mergeWindowState(state, partFromItem(item, store.relativeAccuracy).state);
  const aggregate: WindowAggregate = {
    source: first.source?.S ?? '',
    metric: first.metric?.S ?? '',
    windowSizeMillis,
    windowStart,
    windowEnd: windowStart + windowSizeMillis,
    ...windowStatistics(state),
    sketch: Buffer.from(serializeSketch(state.sketch)),
    closedAt: options.nowMillis,
  };
  const sk = closedWindowSk(windowStart);
  try {
    await store.client.send(
      new PutItemCommand({
        TableName: store.tableName,
        Item: {
          pk: { S: pk },
          sk: { S: sk },
          [PART_ATTRIBUTES.kind]: { S: 'window' },
          record: { B: encodeRecord('WindowAggregate', aggregate) },
          parts: { N: String(parts.length) },
          [PART_ATTRIBUTES.openShard]: { S: PENDING_EMISSION_KEY },
          [PART_ATTRIBUTES.openUntil]: { S: windowStartKey(options.nowMillis) },
          expiresAt: { N: String(expiresAtSeconds(aggregate.windowEnd, store.retentionSeconds)) },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { status: 'not-due', alsoClosed };
    throw error;
  }
  return { status: 'claimed', window: { pk, sk, aggregate }, alsoClosed };
}

const NOT_DUE: FinishOutcome = { status: 'not-due', alsoClosed: [] };

/** Every item of one window (its parts and marker), consistent and paged. */
async function readWindowItems(
  store: PartStoreOptions,
  pk: string,
  windowStart: number,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const response = await store.client.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ':prefix': { S: windowSkPrefix(windowStart) },
        },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(response.Items ?? []));
    startKey = response.LastEvaluatedKey;
  } while (startKey);
  return items;
}
