/**
 * How the Lambda event source mapping for Kinesis settles one batch: invoke, honour a
 * `KinesisStreamBatchResponse`, bisect on a function error, retry a bounded number of times, and
 * hand what still fails to the on-failure destination. Pure control flow: the invocation and the
 * destination are passed in, so it is tested without any emulator.
 *
 * Semantics, as AWS documents them for Kinesis event source mappings:
 * - A response with `batchItemFailures` makes the mapping retry from the *lowest* failed sequence
 *   number: that record and every later record of the batch are retried, earlier ones are done.
 *   An empty list, `null` or no response means the whole batch succeeded. An item identifier that
 *   is not in the batch makes the whole batch count as failed.
 * - A thrown error (a function error) retries the whole batch, split in two halves first when
 *   bisecting is on. Each failed invocation spends one retry attempt of the records in it; the
 *   halves of a bisected batch each inherit what was left.
 * - When attempts run out, the batch's metadata (not its records) goes to the on-failure
 *   destination and the mapping moves on: the shard is never blocked for longer than that.
 */

import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';

/** The outcome of one invocation as the mapping sees it. */
export type InvocationOutcome =
  | { readonly status: 'succeeded'; readonly response: KinesisStreamBatchResponse | undefined }
  | { readonly status: 'function-error'; readonly error: unknown };

/** Why a batch reached the on-failure destination (Lambda's `condition` values). */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** Settings of {@link settleBatch}. */
export interface SettleOptions {
  /** Retries after the first attempt. */
  readonly retryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly invoke: (records: readonly KinesisStreamRecord[]) => Promise<InvocationOutcome>;
  readonly onFailure: (
    records: readonly KinesisStreamRecord[],
    condition: FailureCondition,
    lastError: unknown,
    invokeCount: number,
  ) => Promise<void>;
  /** Waits between retries; AWS backs off too. @default no wait */
  readonly backoff?: (attempt: number) => Promise<void>;
  /** Stops retrying early (the mapping is shutting down): the rest of the batch stays unsettled. */
  readonly shouldStop?: () => boolean;
}

/** What became of a batch: `settled` is false only when a shutdown interrupted it. */
export interface SettleResult {
  readonly settled: boolean;
  readonly invocations: number;
  readonly sentToDestination: number;
}

/** Settles a batch: resolves once every record has succeeded or gone to the destination. */
export async function settleBatch(
  records: readonly KinesisStreamRecord[],
  options: SettleOptions,
): Promise<SettleResult> {
  let invocations = 0;
  let sentToDestination = 0;

  async function settle(batch: readonly KinesisStreamRecord[], attemptsLeft: number) {
    let current = batch;
    let left = attemptsLeft;
    let attempt = 0;
    while (current.length > 0) {
      if (options.shouldStop?.()) return false;
      invocations += 1;
      attempt += 1;
      const outcome = await options.invoke(current);
      const retry = remainder(current, outcome, options.reportBatchItemFailures);
      if (retry.kind === 'done') return true;
      if (left <= 0) {
        sentToDestination += retry.records.length;
        await options.onFailure(retry.records, 'RetryAttemptsExhausted', retry.error, attempt);
        return true;
      }
      left -= 1;
      await options.backoff?.(attempt);
      if (retry.kind === 'function-error' && options.bisectBatchOnFunctionError) {
        if (retry.records.length > 1) {
          const middle = Math.ceil(retry.records.length / 2);
          if (!(await settle(retry.records.slice(0, middle), left))) return false;
          return settle(retry.records.slice(middle), left);
        }
      }
      current = retry.records;
    }
    return true;
  }

  const settled = await settle(records, options.retryAttempts);
  return { settled, invocations, sentToDestination };
}

type Remainder =
  | { readonly kind: 'done' }
  | {
      readonly kind: 'function-error' | 'partial-failure';
      readonly records: readonly KinesisStreamRecord[];
      readonly error: unknown;
    };

function remainder(
  batch: readonly KinesisStreamRecord[],
  outcome: InvocationOutcome,
  reportBatchItemFailures: boolean,
): Remainder {
  if (outcome.status === 'function-error') {
    return { kind: 'function-error', records: batch, error: outcome.error };
  }
  const failures = reportBatchItemFailures ? (outcome.response?.batchItemFailures ?? []) : [];
  if (failures.length === 0) return { kind: 'done' };
  let lowest: number | undefined;
  for (const failure of failures) {
    const index = batch.findIndex((r) => r.kinesis.sequenceNumber === failure.itemIdentifier);
    if (index < 0) {
      const error = new Error(
        `batchItemFailures named ${JSON.stringify(failure.itemIdentifier)}, which is not a sequence number of this batch; the whole batch is retried`,
      );
      return { kind: 'partial-failure', records: batch, error };
    }
    if (lowest === undefined || index < lowest) lowest = index;
  }
  const retried = batch.slice(lowest);
  const first = retried[0]!.kinesis.sequenceNumber;
  const error = new Error(`partial batch failure from sequence number ${first}`);
  return { kind: 'partial-failure', records: retried, error };
}
