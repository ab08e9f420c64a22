/**
 * Splits Kinesis entries into PutRecords calls within both of its limits: 500 entries and
 * 5 MiB a call, where each entry counts its data plus its partition key.
 */

import { KINESIS } from '../../infra/limits.ts';

/** Limits of one PutRecords call. */
export interface PutRecordsLimits {
  /** @default KINESIS.maxRecordsPerPutRecords (500) */
  readonly maxEntries?: number;
  /** @default KINESIS.maxBytesPerPutRecords (5 MiB) */
  readonly maxBytes?: number;
}

/**
 * Greedy, order-preserving: fills a call until the next entry would break a limit. Every entry
 * must fit a call alone (entries are at most 1 MiB; the caller rejects larger records first).
 *
 * @throws RangeError for an entry larger than `maxBytes` (a bug upstream, not user input)
 */
export function chunkPutEntries<T extends { readonly bytes: number }>(
  entries: readonly T[],
  limits: PutRecordsLimits = {},
): T[][] {
  const maxEntries = limits.maxEntries ?? KINESIS.maxRecordsPerPutRecords;
  const maxBytes = limits.maxBytes ?? KINESIS.maxBytesPerPutRecords;
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (entry.bytes > maxBytes) {
      throw new RangeError(
        `entry of ${entry.bytes} bytes cannot fit a PutRecords call of ${maxBytes} bytes`,
      );
    }
    if (current.length === maxEntries || bytes + entry.bytes > maxBytes) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}
