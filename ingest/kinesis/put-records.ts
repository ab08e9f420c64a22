/**
 * Writes planned entries with PutRecords, retrying only what failed: entries that come back with
 * `ProvisionedThroughputExceededException` or `InternalFailure`, and whole calls that failed in a
 * way worth retrying (throttling, 5xx, a dropped connection). Backoff has full jitter; retries
 * stop at an attempt limit or at a deadline inside the Lambda timeout, and whatever is still not
 * written is reported per entry, never dropped.
 */

import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import type { PutEntry } from '../plan.ts';
import { sleep as defaultSleep, fullJitterDelayMillis } from './backoff.ts';
import { chunkPutEntries } from './chunk.ts';

/** What happened to one entry. */
export type EntryOutcome =
  | { readonly status: 'written'; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly status: 'failed'; readonly errorCode: string; readonly reason: string };

/** Options of {@link writeEntries}. */
export interface WriteOptions {
  readonly streamName: string;
  /** Attempts per entry, the first included. */
  readonly maxAttempts: number;
  readonly baseBackoffMillis: number;
  readonly maxBackoffMillis: number;
  /** Epoch millis after which no call is started and calls in flight are aborted. */
  readonly deadlineMillis: number;
  readonly maxConcurrentCalls: number;
  readonly now: () => number;
  readonly random: () => number;
  /** @default setTimeout-based */
  readonly sleep?: (millis: number) => Promise<void>;
  /** Called when Kinesis put an entry on another shard than planned: the shard map is stale. */
  readonly onShardMismatch?: () => void;
}

/** Entry error codes that a later attempt may get past. */
const RETRYABLE_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
]);

/** Whole-call errors worth retrying: throttling, server faults and transport failures. */
const RETRYABLE_CALL_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

interface CallError {
  readonly code: string;
  readonly retryable: boolean;
}

/** Turns an SDK or transport error into a code and a retry decision (the adapter edge). */
function classify(error: unknown): CallError {
  const e = error as
    | { name?: string; code?: string; $metadata?: { httpStatusCode?: number } }
    | undefined;
  const code = e?.code && /^E[A-Z_]+$/.test(e.code) ? e.code : (e?.name ?? 'UnknownError');
  const status = e?.$metadata?.httpStatusCode;
  if (code === 'AbortError') return { code: 'DeadlineExceeded', retryable: false };
  return {
    code,
    retryable: RETRYABLE_CALL_ERRORS.has(code) || (status !== undefined && status >= 500),
  };
}

async function runPool<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

/**
 * Writes the entries; resolves with one outcome per entry, in order. Never rejects for a Kinesis
 * failure: those become `failed` outcomes.
 */
export async function writeEntries(
  client: KinesisClient,
  entries: readonly PutEntry[],
  options: WriteOptions,
): Promise<EntryOutcome[]> {
  const outcomes: (EntryOutcome | undefined)[] = new Array(entries.length);
  const sleep = options.sleep ?? defaultSleep;
  let pending = entries.map((_, i) => i);
  const lastError = new Map<number, string>();

  for (let attempt = 1; pending.length > 0; attempt++) {
    const retryLater: number[] = [];
    const calls = chunkPutEntries(pending.map((i) => ({ i, bytes: entries[i]!.bytes })));
    await runPool(
      calls.map((call) => async () => {
        const remaining = options.deadlineMillis - options.now();
        if (remaining <= 0) {
          for (const { i } of call) retryLater.push(i);
          return;
        }
        try {
          const response = await client.send(
            new PutRecordsCommand({
              StreamName: options.streamName,
              Records: call.map(({ i }) => {
                const e = entries[i]!;
                return {
                  PartitionKey: e.partitionKey,
                  Data: e.data,
                  ...(e.explicitHashKey !== undefined
                    ? { ExplicitHashKey: e.explicitHashKey }
                    : {}),
                };
              }),
            }),
            { abortSignal: AbortSignal.timeout(remaining) },
          );
          const results: readonly PutRecordsResultEntry[] = response.Records ?? [];
          call.forEach(({ i }, position) => {
            const result = results[position];
            if (
              result?.SequenceNumber !== undefined &&
              result.ShardId !== undefined &&
              !result.ErrorCode
            ) {
              outcomes[i] = {
                status: 'written',
                shardId: result.ShardId,
                sequenceNumber: result.SequenceNumber,
              };
              const planned = entries[i]!.shardId;
              if (planned !== undefined && planned !== result.ShardId) options.onShardMismatch?.();
              return;
            }
            const code = result?.ErrorCode ?? 'MissingResult';
            lastError.set(i, code);
            if (RETRYABLE_ENTRY_ERRORS.has(code)) retryLater.push(i);
            else
              outcomes[i] = {
                status: 'failed',
                errorCode: code,
                reason: `Kinesis refused the record: ${code}`,
              };
          });
        } catch (error) {
          const { code, retryable } = classify(error);
          for (const { i } of call) {
            lastError.set(i, code);
            if (retryable) retryLater.push(i);
            else
              outcomes[i] = {
                status: 'failed',
                errorCode: code,
                reason: callFailureReason(code, attempt),
              };
          }
        }
      }),
      options.maxConcurrentCalls,
    );
    pending = retryLater.sort((a, b) => a - b);
    if (pending.length === 0) break;
    const delay = fullJitterDelayMillis(
      attempt - 1,
      { baseMillis: options.baseBackoffMillis, maxMillis: options.maxBackoffMillis },
      options.random(),
    );
    const outOfTime = options.now() + delay >= options.deadlineMillis;
    if (attempt >= options.maxAttempts || outOfTime) {
      for (const i of pending) {
        const code = lastError.get(i) ?? 'DeadlineExceeded';
        outcomes[i] = {
          status: 'failed',
          errorCode: code,
          reason:
            outOfTime && attempt < options.maxAttempts
              ? `not written: Kinesis ${code}, retries stopped at the request deadline after ${attempt} attempt(s)`
              : `not written: Kinesis ${code} after ${attempt} attempt(s)`,
        };
      }
      break;
    }
    await sleep(delay);
  }
  return outcomes.map(
    (o) => o ?? { status: 'failed', errorCode: 'Unknown', reason: 'not written' },
  );
}

function callFailureReason(code: string, attempt: number): string {
  if (code === 'DeadlineExceeded')
    return `not written: the request deadline passed during attempt ${attempt}`;
  return `not written: Kinesis PutRecords failed with ${code}`;
}
