/**
 * BatchGetItem over any number of keys: calls of at most 100 keys (DynamoDB's limit), strongly
 * consistent, with the keys DynamoDB leaves unprocessed (throttling, the 16 MB response cap)
 * asked for again with backoff. Keys still unprocessed after the last attempt are an error, never
 * a silent gap: a caller must not mistake an unread item for an absent one.
 */

import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DYNAMODB } from '../../infra/limits.ts';
import { AggregateStoreError } from './errors.ts';

/** Attempts per chunk, the first included. */
const MAX_ATTEMPTS = 9;

/** A table item as the low-level client returns it. */
export type Item = Record<string, AttributeValue>;

/** Reads the items of `keys` (string `pk`/`sk`); absent items are simply not in the result. */
export async function batchGetItems(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly { readonly pk: string; readonly sk: string }[],
  options: { readonly projection?: string } = {},
): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < keys.length; i += DYNAMODB.maxBatchGetKeys) {
    let pending: Item[] = keys
      .slice(i, i + DYNAMODB.maxBatchGetKeys)
      .map(({ pk, sk }) => ({ pk: { S: pk }, sk: { S: sk } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) {
        throw new AggregateStoreError(
          'BatchGetItem',
          { tableName, detail: `${pending.length} keys still unprocessed` },
          'throttled',
        );
      }
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      let response: BatchGetItemCommandOutput;
      try {
        response = await client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [tableName]: {
                Keys: pending,
                ConsistentRead: true,
                ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              },
            },
          }),
        );
      } catch (error) {
        throw new AggregateStoreError('BatchGetItem', { tableName }, error);
      }
      items.push(...(response.Responses?.[tableName] ?? []));
      pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return items;
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
