/**
 * A part that can never be written (its item would pass DynamoDB's item limit even after the
 * marks were pruned, see `store/item-size.ts`) goes to the dead-letter queue, one poison record
 * per event of its plan, instead of failing its Kinesis records: a retry would fail the same way
 * for ever and block the shard.
 */

import type { PartPlan } from '../engine/batch-plan.ts';
import type { PartTooLargeError } from '../store/item-size.ts';
import type { PoisonRecord } from './decode-records.ts';

/** Poison reason of the events of a part too large to write. */
export const PART_TOO_LARGE = 'part-too-large';

/** The poison records of an oversized part: each event as JSON, with where it came from. */
export function oversizedPartPoison(plan: PartPlan, error: PartTooLargeError): PoisonRecord[] {
  const { columns, indices } = plan;
  const poison: PoisonRecord[] = [];
  for (const i of indices) {
    const context = columns.contextOf(i);
    poison.push({
      reason: PART_TOO_LARGE,
      message: error.message,
      shardId: context.shardId,
      sequenceNumber: context.sequenceNumber,
      subSequenceNumber: columns.subSequences[i],
      partitionKey: columns.partitionKey(i),
      approximateArrivalTimestamp: 0,
      data: Buffer.from(JSON.stringify(columns.event(i)), 'utf8'),
    });
  }
  return poison;
}
