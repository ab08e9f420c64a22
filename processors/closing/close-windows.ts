/**
 * Closing windows: an idempotent transition per part, and one emission per window.
 *
 * 1. A part is due when its shard's watermark (or, for an idle shard, the sweep's wall-clock
 *    rule) has passed its window end. Due parts are found in the sparse `open-parts` index.
 * 2. A part closes by a conditional update that sets `closedAt` only where it is not yet set and
 *    removes it from the index; a concurrent writer's put (conditioned on "not closed") then
 *    fails and re-judges its events as late, so a closed part never changes again.
 * 3. Whoever closed a part reads all parts of its window (consistent Query). If all are closed
 *    and the stream watermark (`stream-watermark.ts`: every shard's, not just this one's) has
 *    passed the window end, it puts the window's marker item on condition that none exists: of
 *    any number of closers, exactly one wins and emits the merged `WindowAggregate` to the sinks.
 *    Of two closers racing on the last two parts, the later read sees both closed, so the window
 *    is never left behind. Parts close only up to the stream watermark too, so a shard that has
 *    not written its part of a window yet keeps the window open; a window that a shard appearing
 *    late still held back stays in CLOSING, where the sweep finishes it.
 * 4. The marker stays in the index partition `EMIT` until the sinks succeeded; the sweep
 *    re-emits markers stuck there (a crash between winning and emitting), so sinks get each
 *    window at least once and never with different contents.
 */

import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { decodeRecord } from '../../schemas/codec.ts';
import type { WindowAggregate } from '../../schemas/types.ts';
import { mapBounded } from '../engine/bounded.ts';
import type { ResolvedProcessorConfig } from '../kinesis/config.ts';
import type { WindowSink } from '../sinks/types.ts';
import { batchGetItems } from '../store/batch-get.ts';
import { windowStartKey } from '../store/keys.ts';
import {
  OPEN_PARTS_INDEX,
  openShardKey,
  PART_ATTRIBUTES,
  type PartStoreOptions,
} from '../store/part-store.ts';
import {
  CLOSING_KEY,
  type ClosedPart,
  closePart,
  finishWindow,
  type ItemKey,
  type MarkedWindow,
  PENDING_EMISSION_KEY,
} from './finish-window.ts';
import { readShardStates, streamWatermark } from './stream-watermark.ts';

export { CLOSING_KEY, PENDING_EMISSION_KEY } from './finish-window.ts';

/** Parts closed per call at most; the rest close on the next batch or sweep. */
const MAX_PARTS_PER_CALL = 500;

/** What one closing pass did. */
export interface CloseOutcome {
  readonly partsClosed: number;
  readonly windowsEmitted: number;
  readonly emissionFailed: boolean;
}

/** Closing options: the store, where windows go, the clock reading to stamp, the watermark rule. */
export interface CloseOptions {
  readonly store: PartStoreOptions;
  readonly sinks: readonly WindowSink[];
  readonly nowMillis: number;
  readonly maxConcurrentWrites: number;
  readonly allowedLatenessMillis: number;
  readonly idleTimeoutMillis: number;
}

/** The part store and the closing options (at a clock reading) of a processor configuration. */
export function closingFor(config: ResolvedProcessorConfig): {
  readonly store: PartStoreOptions;
  at(nowMillis: number): CloseOptions;
} {
  const store: PartStoreOptions = {
    client: config.dynamoDb,
    tableName: config.tableName,
    relativeAccuracy: config.sketchRelativeAccuracy,
    retentionSeconds: config.retentionSeconds,
  };
  return {
    store,
    at: (nowMillis) => ({
      store,
      sinks: config.windowSinks,
      nowMillis,
      maxConcurrentWrites: config.maxConcurrentWrites,
      allowedLatenessMillis: config.allowedLatenessMillis,
      idleTimeoutMillis: config.idleTimeoutMillis,
    }),
  };
}

/** The stream watermark now (one Query of the shard states). */
async function currentStreamWatermark(options: CloseOptions): Promise<number> {
  return streamWatermark(await readShardStates(options.store), options);
}

/**
 * Closes every open part of `shardId` whose window ended at or before both `eventTimeMillis`
 * (the shard's own watermark, or the idle rule's) and the stream watermark.
 */
export async function closeDueParts(
  options: CloseOptions,
  shardId: string,
  eventTimeMillis: number,
): Promise<CloseOutcome> {
  const nothing = { partsClosed: 0, windowsEmitted: 0, emissionFailed: false };
  if (!Number.isFinite(eventTimeMillis)) return nothing;
  const stream = await currentStreamWatermark(options);
  const cutoff = Math.min(eventTimeMillis, stream);
  if (!Number.isFinite(cutoff)) return nothing;
  const due = await queryIndex(options.store, openShardKey(shardId), windowStartKey(cutoff));
  const closed = (
    await mapBounded(due, options.maxConcurrentWrites, (key) => closePart(options, key))
  ).filter((c): c is ClosedPart => c !== undefined);
  const outcome = await finishWindows(options, closed, stream);
  return { partsClosed: closed.length, ...outcome };
}

/**
 * Finishes the windows of closed parts (marker, emission), then takes the parts out of the
 * CLOSING partition. Also what the sweep runs on parts a crash left there.
 */
async function finishWindows(
  options: CloseOptions,
  closed: readonly ClosedPart[],
  stream: number,
): Promise<{ windowsEmitted: number; emissionFailed: boolean }> {
  const windows = new Map<string, ClosedPart>();
  const windowOf = (c: ClosedPart) => `${c.pk}\u0000${c.windowStart}`;
  for (const c of closed) windows.set(windowOf(c), c);
  const finished = await mapBounded([...windows.values()], options.maxConcurrentWrites, (w) =>
    finishWindow(options, w.pk, w.windowStart, stream),
  );
  const marked: MarkedWindow[] = [];
  const deferred = new Set<string>();
  const alsoClosed: ClosedPart[] = [];
  [...windows.keys()].forEach((id, i) => {
    const f = finished[i];
    if (f?.status === 'claimed') marked.push(f.window);
    if (f?.status === 'deferred') deferred.add(id);
    else if (f !== undefined) alsoClosed.push(...f.alsoClosed);
  });
  const emissionFailed = !(await emit(options, marked));
  // Parts of a deferred window stay in CLOSING: no later part closing may come to finish it.
  const done = [...closed.filter((c) => !deferred.has(windowOf(c))), ...alsoClosed];
  await mapBounded(done, options.maxConcurrentWrites, (c) =>
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
  const items = await batchGetItems(options.store.client, options.store.tableName, keys);
  for (const item of items) {
    closed.push({
      pk: item.pk?.S ?? '',
      sk: item.sk?.S ?? '',
      windowStart: Number(item.windowStart?.N),
    });
  }
  if (closed.length === 0) return 0;
  return (await finishWindows(options, closed, await currentStreamWatermark(options)))
    .windowsEmitted;
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
  const items = await batchGetItems(options.store.client, options.store.tableName, keys);
  for (const item of items) {
    const record = item.record?.B;
    if (record === undefined || item.emittedAt !== undefined) continue;
    windows.push({
      pk: item.pk?.S ?? '',
      sk: item.sk?.S ?? '',
      aggregate: decodeWindowAggregate(record),
    });
  }
  return (await emit(options, windows)) ? windows.length : 0;
}

function decodeWindowAggregate(bytes: Uint8Array): WindowAggregate {
  return decodeRecord(bytes).value as WindowAggregate;
}
