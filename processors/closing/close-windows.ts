/**
 * Closing windows: an idempotent transition per part, and one emission per window.
 *
 * 1. A part is due when its shard's watermark (or, for an idle shard, the sweep's wall-clock
 *    rule) has passed its window end. Due parts are found in the sparse `open-parts` index.
 * 2. A part closes by a conditional update that sets `closedAt` only where it is not yet set and
 *    removes it from the index; a concurrent writer's put (conditioned on "not closed") then
 *    fails and re-judges its events as late, so a closed part never changes again.
 * 3. Whoever closed a part reads all parts of its window (consistent Query). If all are closed,
 *    it puts the window's marker item on condition that none exists: of any number of closers,
 *    exactly one wins and emits the merged `WindowAggregate` to the sinks. Of two closers racing
 *    on the last two parts, the later read sees both closed, so the window is never left behind.
 * 4. The marker stays in the index partition `EMIT` until the sinks succeeded; the sweep
 *    re-emits markers stuck there (a crash between winning and emitting), so sinks get each
 *    window at least once and never with different contents.
 */

import {
  type AttributeValue,
  BatchGetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { decodeRecord, encodeRecord } from '../../schemas/codec.ts';
import type { WindowAggregate } from '../../schemas/types.ts';
import { serializeSketch } from '../aggregates/sketch.ts';
import {
  emptyWindowState,
  mergeWindowState,
  windowStatistics,
} from '../aggregates/window-state.ts';
import { mapBounded } from '../engine/bounded.ts';
import type { WindowSink } from '../sinks/types.ts';
import { isConditionalCheckFailed } from '../store/errors.ts';
import { closedWindowSk, windowSkPrefix, windowStartKey } from '../store/keys.ts';
import {
  expiresAtSeconds,
  OPEN_PARTS_INDEX,
  openShardKey,
  PART_ATTRIBUTES,
  type PartStoreOptions,
  partFromItem,
} from '../store/part-store.ts';

/** Index partition of closed windows whose emission is not yet confirmed. */
export const PENDING_EMISSION_KEY = 'EMIT';

/** Index partition of closed parts whose window has not been finished yet (crash recovery). */
export const CLOSING_KEY = 'CLOSING';

/** Parts closed per call at most; the rest close on the next batch or sweep. */
const MAX_PARTS_PER_CALL = 500;

/** What one closing pass did. */
export interface CloseOutcome {
  readonly partsClosed: number;
  readonly windowsEmitted: number;
  readonly emissionFailed: boolean;
}

/** Closing options: the store, where windows go, and the clock reading to stamp. */
export interface CloseOptions {
  readonly store: PartStoreOptions;
  readonly sinks: readonly WindowSink[];
  readonly nowMillis: number;
  readonly maxConcurrentWrites: number;
}

/** Closes every open part of `shardId` whose window ended at or before `eventTimeMillis`. */
export async function closeDueParts(
  options: CloseOptions,
  shardId: string,
  eventTimeMillis: number,
): Promise<CloseOutcome> {
  if (!Number.isFinite(eventTimeMillis))
    return { partsClosed: 0, windowsEmitted: 0, emissionFailed: false };
  const due = await queryIndex(
    options.store,
    openShardKey(shardId),
    windowStartKey(eventTimeMillis),
  );
  const closed = (
    await mapBounded(due, options.maxConcurrentWrites, (key) => closePart(options, key))
  ).filter((c): c is ClosedPart => c !== undefined);
  const outcome = await finishWindows(options, closed);
  return { partsClosed: closed.length, ...outcome };
}

/**
 * Finishes the windows of closed parts (marker, emission), then takes the parts out of the
 * CLOSING partition. Also what the sweep runs on parts a crash left there.
 */
async function finishWindows(
  options: CloseOptions,
  closed: readonly ClosedPart[],
): Promise<{ windowsEmitted: number; emissionFailed: boolean }> {
  const windows = new Map<string, ClosedPart>();
  for (const c of closed) windows.set(`${c.pk}\u0000${c.windowStart}`, c);
  const marked = (
    await mapBounded([...windows.values()], options.maxConcurrentWrites, (w) =>
      finishWindow(options, w.pk, w.windowStart),
    )
  ).filter((a): a is MarkedWindow => a !== undefined);
  const emissionFailed = !(await emit(options, marked));
  await mapBounded(closed, options.maxConcurrentWrites, (c) =>
    options.store.client.send(
      new UpdateItemCommand({
        TableName: options.store.tableName,
        Key: { pk: { S: c.pk }, sk: { S: c.sk } },
        UpdateExpression: 'REMOVE #shard, #until',
        ConditionExpression: 'attribute_exists(#closedAt)',
        ExpressionAttributeNames: {
          '#shard': PART_ATTRIBUTES.openShard,
          '#until': PART_ATTRIBUTES.openUntil,
          '#closedAt': PART_ATTRIBUTES.closedAt,
        },
      }),
    ),
  );
  return { windowsEmitted: marked.length, emissionFailed };
}

/** Sweep: finishes windows of parts closed before `olderThanMillis` but left in CLOSING by a crash. */
export async function finishStrandedParts(
  options: CloseOptions,
  olderThanMillis: number,
): Promise<number> {
  const keys = await queryIndex(options.store, CLOSING_KEY, windowStartKey(olderThanMillis));
  const closed: ClosedPart[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    const response = await options.store.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [options.store.tableName]: {
            Keys: keys.slice(i, i + 100).map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } })),
            ConsistentRead: true,
          },
        },
      }),
    );
    for (const item of response.Responses?.[options.store.tableName] ?? []) {
      closed.push({
        pk: item.pk?.S ?? '',
        sk: item.sk?.S ?? '',
        windowStart: Number(item.windowStart?.N),
      });
    }
  }
  return (await finishWindows(options, closed)).windowsEmitted;
}

interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

interface ClosedPart extends ItemKey {
  readonly windowStart: number;
}

async function queryIndex(
  store: PartStoreOptions,
  partition: string,
  untilKey: string,
): Promise<ItemKey[]> {
  const response = await store.client.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: OPEN_PARTS_INDEX,
      KeyConditionExpression: '#shard = :shard AND #until <= :until',
      ExpressionAttributeNames: {
        '#shard': PART_ATTRIBUTES.openShard,
        '#until': PART_ATTRIBUTES.openUntil,
      },
      ExpressionAttributeValues: { ':shard': { S: partition }, ':until': { S: untilKey } },
      Limit: MAX_PARTS_PER_CALL,
    }),
  );
  return (response.Items ?? []).map((i) => ({ pk: i.pk?.S ?? '', sk: i.sk?.S ?? '' }));
}

/** Closes one part; resolves with its window when this call did the transition. */
async function closePart(options: CloseOptions, key: ItemKey): Promise<ClosedPart | undefined> {
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
interface MarkedWindow {
  readonly pk: string;
  readonly sk: string;
  readonly aggregate: WindowAggregate;
}

/** If every part of the window is closed, claims its marker and returns the aggregate to emit. */
async function finishWindow(
  options: CloseOptions,
  pk: string,
  windowStart: number,
): Promise<MarkedWindow | undefined> {
  const { store } = options;
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
  const parts = items.filter((i) => i[PART_ATTRIBUTES.kind]?.S === 'part');
  const first = parts[0];
  if (first === undefined || items.some((i) => i[PART_ATTRIBUTES.kind]?.S === 'window'))
    return undefined;
  if (parts.some((i) => i[PART_ATTRIBUTES.closedAt] === undefined)) return undefined;
  const state = emptyWindowState(store.relativeAccuracy);
  for (const item of parts)
    mergeWindowState(state, partFromItem(item, store.relativeAccuracy).state);
  const windowSizeMillis = Number(first.windowSizeMillis?.N);
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
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
  return { pk, sk, aggregate };
}

/** Hands windows to every sink, then confirms them; false when a sink failed (the sweep retries). */
async function emit(options: CloseOptions, windows: readonly MarkedWindow[]): Promise<boolean> {
  if (windows.length === 0) return true;
  try {
    for (const sink of options.sinks) await sink.onWindowClosed(windows.map((w) => w.aggregate));
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'window sink failed; the sweep will emit again',
        windows: windows.length,
        error: String(error),
      }),
    );
    return false;
  }
  await mapBounded(windows, options.maxConcurrentWrites, (w) =>
    options.store.client.send(
      new UpdateItemCommand({
        TableName: options.store.tableName,
        Key: { pk: { S: w.pk }, sk: { S: w.sk } },
        UpdateExpression: 'SET emittedAt = :now REMOVE #shard, #until',
        ExpressionAttributeNames: {
          '#shard': PART_ATTRIBUTES.openShard,
          '#until': PART_ATTRIBUTES.openUntil,
        },
        ExpressionAttributeValues: { ':now': { N: String(options.nowMillis) } },
      }),
    ),
  );
  return true;
}

/** Emits closed windows whose emission was not confirmed before `olderThanMillis` (sweep). */
export async function emitPendingWindows(
  options: CloseOptions,
  olderThanMillis: number,
): Promise<number> {
  const keys = await queryIndex(
    options.store,
    PENDING_EMISSION_KEY,
    windowStartKey(olderThanMillis),
  );
  const windows: MarkedWindow[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    const response = await options.store.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [options.store.tableName]: {
            Keys: keys.slice(i, i + 100).map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } })),
            ConsistentRead: true,
          },
        },
      }),
    );
    for (const item of response.Responses?.[options.store.tableName] ?? []) {
      const record = item.record?.B;
      if (record === undefined || item.emittedAt !== undefined) continue;
      windows.push({
        pk: item.pk?.S ?? '',
        sk: item.sk?.S ?? '',
        aggregate: decodeWindowAggregate(record),
      });
    }
  }
  return (await emit(options, windows)) ? windows.length : 0;
}

function decodeWindowAggregate(bytes: Uint8Array): WindowAggregate {
  return decodeRecord(bytes).value as WindowAggregate;
}
