/**
 * Keeping a part item under DynamoDB's item limit (`DYNAMODB.maxItemBytes`, 400 KB).
 *
 * Two things in a part grow: the de-duplication horizon (8 bytes per hash, bounded by
 * `dedupHorizonEvents`) and the marks, one per ordering unit (2 + key bytes + 67). With the
 * ordering unit `partition-key` (a parallelization factor above 1) a part gains a mark for every
 * Kinesis-level partition key that ever carried one of its events, and KPL records of many
 * sources each carry their own key, so on a long window with many keys the marks alone can pass
 * the limit. The rule, applied only when the item would not fit:
 *
 * - drop marks oldest first (lowest position: sequence numbers grow along a shard, so those are
 *   the units whose last event in this part is furthest behind) until the item fits. A dropped
 *   mark only matters if the event source mapping delivers that unit's records again, which it
 *   does from the failed record of a batch still being retried, never from before the shard's
 *   checkpoint, except on a replay; even then an event whose id is still in the horizon is
 *   caught as a duplicate. Dropping is counted (`marksDropped`) so it is visible;
 * - never drop horizon hashes: the horizon is a configured guarantee. A part that still does not
 *   fit (a horizon configured too large, or marks of one batch alone too big) is a
 *   {@link PartTooLargeError}, which the handler sends to the dead-letter queue instead of
 *   retrying a write that can never succeed.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DYNAMODB } from '../../infra/limits.ts';
import { markEntryBytes } from './part-state-codec.ts';

/** A part's state item would exceed DynamoDB's item limit even after pruning marks. */
export class PartTooLargeError extends Error {
  override readonly name = 'PartTooLargeError';
  readonly pk: string;
  readonly sk: string;
  readonly itemBytes: number;
  readonly limitBytes: number;
  constructor(context: { pk: string; sk: string; itemBytes: number; limitBytes: number }) {
    super(
      `part item pk=${context.pk} sk=${context.sk} is ${context.itemBytes} bytes after pruning marks; DynamoDB's item limit is ${context.limitBytes}`,
    );
    this.pk = context.pk;
    this.sk = context.sk;
    this.itemBytes = context.itemBytes;
    this.limitBytes = context.limitBytes;
  }
}

/**
 * DynamoDB's size of an item: attribute name bytes plus value bytes (S: UTF-8, B: raw, N: one
 * byte per two digits plus one, counted from the string form so it never under-counts).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemSizeBytes(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name, 'utf8');
    if (value.S !== undefined) size += Buffer.byteLength(value.S, 'utf8');
    else if (value.B !== undefined) size += value.B.byteLength;
    else if (value.N !== undefined) size += Math.ceil(value.N.length / 2) + 1;
    else if (value.BOOL !== undefined || value.NULL !== undefined) size += 1;
    else throw new TypeError(`itemSizeBytes: attribute ${name} has an unsupported type`);
  }
  return size;
}

/** The marks to keep so that an item of `itemBytes` (with every mark) fits `limitBytes`. */
export function marksThatFit(
  marks: ReadonlyMap<string, string>,
  itemBytes: number,
  limitBytes: number = DYNAMODB.maxItemBytes,
): {
  readonly marks: ReadonlyMap<string, string>;
  readonly dropped: number;
  readonly itemBytes: number;
} {
  if (itemBytes <= limitBytes) return { marks, dropped: 0, itemBytes };
  const oldestFirst = [...marks].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let size = itemBytes;
  let dropped = 0;
  while (size > limitBytes && dropped < oldestFirst.length) {
    size -= markEntryBytes(oldestFirst[dropped]![0]);
    dropped++;
  }
  return { marks: new Map(oldestFirst.slice(dropped)), dropped, itemBytes: size };
}
