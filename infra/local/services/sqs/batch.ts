/**
 * The rules every SQS batch action shares: 1 to 10 entries, distinct ids of at most 80
 * alphanumerics, hyphens and underscores; then each entry succeeds or fails on its own.
 */

import { SQS, SQS_QUEUES } from '../../../limits.ts';
import { AwsServiceError } from '../http/errors.ts';
import { optionalList } from '../http/input.ts';
import type { JsonInput } from '../http/json-protocol.ts';
import { SQS_ERRORS } from './errors.ts';

const ENTRY_ID = new RegExp(`^[A-Za-z0-9_-]{1,${SQS_QUEUES.maxBatchEntryIdLength}}$`);

/** A failed batch entry, as SQS reports it. */
export interface BatchResultErrorEntry {
  readonly Id: string;
  readonly SenderFault: boolean;
  readonly Code: string;
  readonly Message: string;
}

/** The entries of a batch request, checked for count and ids. */
export function batchEntries(input: JsonInput, entryName: string): JsonInput[] {
  const entries = optionalList(input, 'Entries') as JsonInput[];
  if (entries.length === 0) throw SQS_ERRORS.emptyBatch(entryName);
  if (entries.length > SQS.maxBatchEntries) throw SQS_ERRORS.tooManyEntriesInBatch(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry?.Id;
    if (typeof id !== 'string' || !ENTRY_ID.test(id)) throw SQS_ERRORS.invalidBatchEntryId();
    if (seen.has(id)) throw SQS_ERRORS.batchEntryIdsNotDistinct(id);
    seen.add(id);
  }
  return entries;
}

/** Runs `each` per entry; an AWS error fails that entry only. */
export function runBatch<R>(
  entries: readonly JsonInput[],
  each: (entry: JsonInput) => R,
): { Successful: R[]; Failed: BatchResultErrorEntry[] } {
  const Successful: R[] = [];
  const Failed: BatchResultErrorEntry[] = [];
  for (const entry of entries) {
    try {
      Successful.push(each(entry));
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      Failed.push({
        Id: String(entry.Id),
        SenderFault: error.fault === 'Sender',
        Code: error.code,
        Message: error.message,
      });
    }
  }
  return { Successful, Failed };
}
