/**
 * Packing messages into SQS `SendMessageBatch` calls: at most 10 entries and 256 KiB a call
 * (`SQS` in `infra/limits.ts`). Pure, so the packing is tested without a queue.
 */

import { SQS } from '../../infra/limits.ts';

/** Splits bodies (already within the message limit) into batches within both limits. */
export function packSqsBatches<T>(items: readonly T[], bodyOf: (item: T) => string): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(bodyOf(item), 'utf8');
    if (
      current.length === SQS.maxBatchEntries ||
      (current.length > 0 && bytes + size > SQS.maxBatchBytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
