/**
 * The producer client: what a service uses to send telemetry to `POST /v1/events`. It batches in
 * memory by count, bytes and linger time, posts NDJSON with the API key, retries what the
 * endpoint says may succeed later (429, 503's `failed` records, 5xx, network errors) with
 * exponential backoff and full jitter, and resolves each record's outcome.
 *
 * @example
 * ```ts
 * const producer = new Producer({ endpoint: 'http://127.0.0.1:3000/v1/events', apiKey });
 * const outcome = await producer.send({ eventId, source, metric, value, timestamp });
 * await producer.close();
 * ```
 */

import type { TelemetryEvent } from '../../schemas/types.ts';
import { ProducerError } from '../errors.ts';
import { fullJitterDelayMillis, sleep } from '../kinesis/backoff.ts';
import { type BatchResult, postBatch } from './post-batch.ts';

/** Options of {@link Producer}. */
export interface ProducerOptions {
  /** URL of the ingest endpoint, `.../v1/events`. */
  readonly endpoint: string;
  readonly apiKey: string;
  /** Records per request: 20,000 150-byte records make a 3 MB body, about 50 requests (and so
   * about 50 PutRecords calls) per million events. @default 20_000 */
  readonly maxBatchRecords?: number;
  /**
   * Bytes per request body. Below the endpoint's 4 MiB limit; large batches are what keep
   * Kinesis calls per event low (one request usually makes one PutRecords call). @default 3 MiB
   */
  readonly maxBatchBytes?: number;
  /** How long a record may wait for its batch to fill. @default 100 */
  readonly lingerMillis?: number;
  /** Requests in flight at once. @default 4 */
  readonly maxInFlightRequests?: number;
  /** Records held before `send` waits for room (bounds memory). @default 200_000 */
  readonly maxBufferedRecords?: number;
  /** Attempts per record, the first included. @default 8 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly baseBackoffMillis?: number;
  /** @default 5_000 */
  readonly maxBackoffMillis?: number;
  /** Per request. @default 30_000 */
  readonly requestTimeoutMillis?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default Math.random */
  readonly random?: () => number;
}

/** What became of one record. */
export type RecordOutcome =
  | { readonly status: 'accepted' }
  /** The endpoint refused the record itself; resending it will not help. */
  | { readonly status: 'rejected'; readonly reason: string }
  /** Not written after every attempt, or refused for a reason outside the record (bad API key). */
  | { readonly status: 'failed'; readonly reason: string };

/** Counters since the producer was created. */
export interface ProducerStats {
  requests: number;
  retriedRequests: number;
  accepted: number;
  rejected: number;
  failed: number;
}

interface Pending {
  readonly line: string;
  readonly bytes: number;
  attempts: number;
  readonly resolve: (outcome: RecordOutcome) => void;
}

/** Batches telemetry events to the ingest endpoint. */
export class Producer {
  readonly #o: Required<Omit<ProducerOptions, 'fetch'>> & { fetch: typeof fetch };
  #buffer: Pending[] = [];
  #bufferBytes = 0;
  #buffered = 0;
  #linger: NodeJS.Timeout | undefined;
  #inFlight = 0;
  readonly #ready: Pending[][] = [];
  readonly #idleWaiters: (() => void)[] = [];
  readonly #roomWaiters: (() => void)[] = [];
  #closed = false;
  readonly stats: ProducerStats = {
    requests: 0,
    retriedRequests: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
  };

  constructor(options: ProducerOptions) {
    this.#o = {
      endpoint: options.endpoint,
      apiKey: options.apiKey,
      maxBatchRecords: options.maxBatchRecords ?? 20_000,
      maxBatchBytes: options.maxBatchBytes ?? 3 * 1024 * 1024,
      lingerMillis: options.lingerMillis ?? 100,
      maxInFlightRequests: options.maxInFlightRequests ?? 4,
      maxBufferedRecords: options.maxBufferedRecords ?? 200_000,
      maxAttempts: options.maxAttempts ?? 8,
      baseBackoffMillis: options.baseBackoffMillis ?? 100,
      maxBackoffMillis: options.maxBackoffMillis ?? 5_000,
      requestTimeoutMillis: options.requestTimeoutMillis ?? 30_000,
      fetch: options.fetch ?? globalThis.fetch,
      random: options.random ?? Math.random,
    };
  }

  /** Queues one event; resolves with its outcome once the endpoint has decided. */
  async send(event: TelemetryEvent): Promise<RecordOutcome> {
    if (this.#closed) throw new ProducerError('Producer.send after close()');
    while (this.#buffered >= this.#o.maxBufferedRecords) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
    const line = JSON.stringify(event);
    // NDJSON bytes; the newline separator counts too.
    const bytes = Buffer.byteLength(line, 'utf8') + 1;
    if (bytes > this.#o.maxBatchBytes) {
      return {
        status: 'rejected',
        reason: `record of ${bytes} bytes is larger than maxBatchBytes (${this.#o.maxBatchBytes})`,
      };
    }
    return new Promise<RecordOutcome>((resolve) => {
      if (this.#bufferBytes + bytes > this.#o.maxBatchBytes) this.#cut();
      this.#buffer.push({
        line,
        bytes,
        attempts: 0,
        resolve: (outcome) => this.#settle(outcome, resolve),
      });
      this.#bufferBytes += bytes;
      this.#buffered++;
      if (this.#buffer.length >= this.#o.maxBatchRecords) this.#cut();
      else this.#linger ??= setTimeout(() => this.#cut(), this.#o.lingerMillis);
    });
  }

  /** Queues many events; resolves with their outcomes in order. */
  sendMany(events: readonly TelemetryEvent[]): Promise<RecordOutcome[]> {
    return Promise.all(events.map((e) => this.send(e)));
  }

  /** Sends what is buffered now and waits until every record so far has an outcome. */
  async flush(): Promise<void> {
    this.#cut();
    if (this.#buffered === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Flushes, then refuses further sends. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #settle(outcome: RecordOutcome, resolve: (outcome: RecordOutcome) => void): void {
    this.stats[outcome.status]++;
    this.#buffered--;
    resolve(outcome);
    if (this.#buffered < this.#o.maxBufferedRecords)
      for (const wake of this.#roomWaiters.splice(0)) wake();
    if (this.#buffered === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  /** Closes the current batch and hands it to the dispatcher. */
  #cut(): void {
    if (this.#linger) clearTimeout(this.#linger);
    this.#linger = undefined;
    if (this.#buffer.length === 0) return;
    this.#ready.push(this.#buffer);
    this.#buffer = [];
    this.#bufferBytes = 0;
    this.#dispatch();
  }

  #dispatch(): void {
    while (this.#inFlight < this.#o.maxInFlightRequests && this.#ready.length > 0) {
      const batch = this.#ready.shift()!;
      this.#inFlight++;
      void this.#sendBatch(batch).finally(() => {
        this.#inFlight--;
        this.#dispatch();
      });
    }
  }

  async #sendBatch(batch: Pending[]): Promise<void> {
    let records = batch;
    while (records.length > 0) {
      for (const r of records) r.attempts++;
      this.stats.requests++;
      const result = await postBatch(
        records.map((r) => r.line),
        this.#o,
      );
      records = this.#apply(records, result);
      if (records.length === 0) return;
      this.stats.retriedRequests++;
      const attempt = records[0]!.attempts;
      const backoff = fullJitterDelayMillis(
        attempt - 1,
        { baseMillis: this.#o.baseBackoffMillis, maxMillis: this.#o.maxBackoffMillis },
        this.#o.random(),
      );
      const after = 'retryAfterSeconds' in result ? (result.retryAfterSeconds ?? 0) : 0;
      await sleep(Math.max(backoff, after * 1000));
    }
  }

  /** Resolves what is decided; returns the records to try again. */
  #apply(records: Pending[], result: BatchResult): Pending[] {
    const again: Pending[] = [];
    const retryOrFail = (r: Pending, reason: string) => {
      if (r.attempts < this.#o.maxAttempts) again.push(r);
      else r.resolve({ status: 'failed', reason: `${reason} (after ${r.attempts} attempts)` });
    };
    switch (result.kind) {
      case 'answered':
        records.forEach((r, i) => {
          const rejected = result.rejected.get(i);
          const failed = result.failed.get(i);
          if (rejected !== undefined) r.resolve({ status: 'rejected', reason: rejected });
          else if (failed !== undefined) retryOrFail(r, failed);
          else r.resolve({ status: 'accepted' });
        });
        break;
      case 'retry':
        for (const r of records) retryOrFail(r, result.reason);
        break;
      case 'too-large':
        if (records.length === 1)
          records[0]!.resolve({ status: 'rejected', reason: result.reason });
        else {
          // Halve and send both halves as their own batches.
          const half = Math.ceil(records.length / 2);
          for (const r of records) r.attempts--;
          this.#ready.unshift(records.slice(0, half), records.slice(half));
          this.#dispatch();
        }
        break;
      case 'fatal':
        for (const r of records) r.resolve({ status: 'failed', reason: result.reason });
        break;
    }
    return again;
  }
}
