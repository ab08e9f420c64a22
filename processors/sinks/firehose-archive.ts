/**
 * Archives closed windows through Kinesis Data Firehose: one newline-terminated JSON document per
 * window (Athena and S3 Select read it as JSON Lines; the sketch is base64 so windows can be
 * merged later). `PutRecordBatch` takes at most 500 records and 4 MiB a call; entries Firehose
 * rejects (`FailedPutCount`) are retried alone with backoff, never the whole call.
 */

import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { FIREHOSE } from '../../infra/limits.ts';
import type { WindowAggregate } from '../../schemas/types.ts';
import { ArchiveError } from './errors.ts';
import type { WindowSink } from './types.ts';

/** One archived line. */
export function archiveLine(window: WindowAggregate): Uint8Array {
  const { sketch, ...rest } = window;
  return Buffer.from(
    `${JSON.stringify({ ...rest, sketch: sketch ? Buffer.from(sketch).toString('base64') : null })}\n`,
    'utf8',
  );
}

/** Splits records into calls within both `PutRecordBatch` limits. */
export function packFirehoseBatches(records: readonly Uint8Array[]): Uint8Array[][] {
  const batches: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const record of records) {
    if (
      current.length === FIREHOSE.maxRecordsPerPutRecordBatch ||
      (current.length > 0 && bytes + record.length > FIREHOSE.maxBytesPerPutRecordBatch)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Options of {@link FirehoseWindowArchive}. */
export interface FirehoseArchiveOptions {
  /** Attempts per entry before giving up. @default 5 */
  readonly maxAttempts?: number;
  /** First backoff; doubles per attempt. @default 100 */
  readonly baseBackoffMillis?: number;
}

/** A {@link WindowSink} writing to a Firehose delivery stream. */
export class FirehoseWindowArchive implements WindowSink {
  readonly #maxAttempts: number;
  readonly #baseBackoffMillis: number;

  constructor(
    private readonly client: FirehoseClient,
    private readonly deliveryStreamName: string,
    options: FirehoseArchiveOptions = {},
  ) {
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#baseBackoffMillis = options.baseBackoffMillis ?? 100;
  }

  /** @throws {ArchiveError} when entries still fail after every attempt. */
  async onWindowClosed(windows: readonly WindowAggregate[]): Promise<void> {
    for (const batch of packFirehoseBatches(windows.map(archiveLine))) {
      let pending = batch;
      let lastError = '';
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.#maxAttempts) {
          throw new ArchiveError(this.deliveryStreamName, pending.length, attempt, lastError);
        }
        if (attempt > 0)
          await new Promise((r) => setTimeout(r, this.#baseBackoffMillis * 2 ** (attempt - 1)));
        try {
          const response = await this.client.send(
            new PutRecordBatchCommand({
              DeliveryStreamName: this.deliveryStreamName,
              Records: pending.map((Data) => ({ Data })),
            }),
          );
          if (!response.FailedPutCount) {
            pending = [];
            continue;
          }
          const retry: Uint8Array[] = [];
          (response.RequestResponses ?? []).forEach((entry, i) => {
            if (entry.ErrorCode && pending[i]) {
              retry.push(pending[i]);
              lastError = `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`;
            }
          });
          pending = retry;
        } catch (error) {
          lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
      }
    }
  }
}
