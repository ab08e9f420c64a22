/**
 * Reads windows back: one Query over a (source, metric, window size) partition, the parts of
 * each window merged (count and sum add, min and max combine, sketches merge), so a window
 * written by several shards or sub-keys reads as one.
 */

import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_RELATIVE_ACCURACY } from '../aggregates/sketch.ts';
import {
  emptyWindowState,
  mergeWindowState,
  type WindowState,
  type WindowStatistics,
  windowStatistics,
} from '../aggregates/window-state.ts';
import { AggregateStoreError } from '../store/errors.ts';
import { seriesPk, windowRangeSk } from '../store/keys.ts';
import { PART_ATTRIBUTES, partFromItem } from '../store/part-store.ts';

/** One window as a reader sees it. */
export interface WindowView extends WindowStatistics {
  readonly source: string;
  readonly metric: string;
  readonly windowSizeMillis: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** How many stored parts (shard x partition key) were merged. */
  readonly parts: number;
  /** Whether every part had closed when read. */
  readonly closed: boolean;
}

/** A range of windows of one series. */
export interface WindowQuery {
  readonly source: string;
  readonly metric: string;
  readonly windowSizeMillis: number;
  /** Windows whose start is in `[fromMillis, toMillis)`. */
  readonly fromMillis: number;
  readonly toMillis: number;
}

/** Options of {@link queryWindows}. */
export interface QueryOptions {
  /** Must match the processor's. @default 0.01 */
  readonly relativeAccuracy?: number;
  /** Strongly consistent read (tests; costs twice the read units). @default false */
  readonly consistentRead?: boolean;
}

interface Accumulator {
  state: WindowState;
  parts: number;
  closed: boolean;
}

/** The windows of `q`, oldest first, each merged over its parts. */
export async function queryWindows(
  client: DynamoDBClient,
  tableName: string,
  q: WindowQuery,
  options: QueryOptions = {},
): Promise<WindowView[]> {
  if (!(q.toMillis > q.fromMillis)) return [];
  const accuracy = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  const { low, high } = windowRangeSk(q.fromMillis, q.toMillis);
  const byStart = new Map<number, Accumulator>();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    let response: QueryCommandOutput;
    try {
      response = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          ExpressionAttributeValues: {
            ':pk': { S: seriesPk(q.source, q.metric, q.windowSizeMillis) },
            ':low': { S: low },
            ':high': { S: high },
          },
          ConsistentRead: options.consistentRead ?? false,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
    } catch (error) {
      throw new AggregateStoreError('Query', { tableName }, error);
    }
    for (const item of response.Items ?? []) {
      if (item[PART_ATTRIBUTES.kind]?.S !== 'part') continue;
      const start = Number(item.windowStart?.N);
      const part = partFromItem(item, accuracy);
      let acc = byStart.get(start);
      if (acc === undefined) {
        acc = { state: emptyWindowState(accuracy), parts: 0, closed: true };
        byStart.set(start, acc);
      }
      mergeWindowState(acc.state, part.state);
      acc.parts++;
      acc.closed &&= part.closed;
    }
    startKey = response.LastEvaluatedKey;
  } while (startKey);
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([windowStart, acc]) => ({
      source: q.source,
      metric: q.metric,
      windowSizeMillis: q.windowSizeMillis,
      windowStart,
      windowEnd: windowStart + q.windowSizeMillis,
      ...windowStatistics(acc.state),
      parts: acc.parts,
      closed: acc.closed,
    }));
}
