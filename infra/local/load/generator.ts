/**
 * The built-in load generator: sends telemetry at a target rate for a bounded duration through a
 * sender (the producer client against the ingest endpoint), and records per-request latency and
 * per-record outcomes. It stops by itself: after `durationSeconds`, and never sends more than
 * `rate × duration` events.
 */

import type { TelemetryEvent } from '../../../schemas/types.ts';
import { EventFactory, type EventFactoryOptions } from './events.ts';

/** What a sender reports for one request. */
export interface SendOutcome {
  readonly accepted: number;
  readonly rejected: number;
  /** Records the endpoint could not write (503) or that never reached it. */
  readonly failed: number;
}

/** Sends one batch of events; resolves when the endpoint has answered. */
export type Sender = (events: readonly TelemetryEvent[]) => Promise<SendOutcome>;

/** Options of {@link runLoad}. */
export interface LoadOptions extends EventFactoryOptions {
  /** Events per second. */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Pacing tick; each tick sends what is due. @default 50 */
  readonly tickMillis?: number;
  /** Batches awaiting their outcomes at once; past that the generator waits (and falls behind). @default 64 */
  readonly maxInFlight?: number;
  /** Called about once a second with the running totals. */
  readonly onProgress?: (progress: LoadProgress) => void;
}

/** Running totals of a load run. */
export interface LoadProgress {
  sent: number;
  accepted: number;
  rejected: number;
  failed: number;
  requests: number;
  /** From the start until the last event was handed to the sender. */
  elapsedMillis: number;
  /** From the start until the last batch had all its outcomes. */
  completedMillis: number;
  /** Per batch handed to the sender: millis until every record in it had its outcome. */
  readonly latenciesMillis: number[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the load and resolves with the totals once every request has been answered. */
export async function runLoad(send: Sender, options: LoadOptions): Promise<LoadProgress> {
  if (!(options.rate > 0) || !(options.durationSeconds > 0)) {
    throw new RangeError(
      `rate and duration must be positive, got rate ${options.rate} and duration ${options.durationSeconds}`,
    );
  }
  const factory = new EventFactory(options);
  const tick = options.tickMillis ?? 50;
  const maxInFlight = options.maxInFlight ?? 64;
  const total = Math.round(options.rate * options.durationSeconds);
  const progress: LoadProgress = {
    sent: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    requests: 0,
    elapsedMillis: 0,
    completedMillis: 0,
    latenciesMillis: [],
  };
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let lastReport = started;

  while (progress.sent < total) {
    const elapsed = performance.now() - started;
    const due = Math.min(total, Math.floor((options.rate * elapsed) / 1000)) - progress.sent;
    if (due > 0 && inFlight.size < maxInFlight) {
      const now = Date.now();
      const events = Array.from({ length: due }, () => factory.next(now));
      progress.sent += due;
      const request = sendOne(send, events, progress).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    if (options.onProgress && performance.now() - lastReport >= 1000) {
      lastReport = performance.now();
      progress.elapsedMillis = lastReport - started;
      options.onProgress(progress);
    }
    await sleep(inFlight.size >= maxInFlight ? 1 : tick);
  }
  progress.elapsedMillis = performance.now() - started;
  await Promise.all(inFlight);
  progress.completedMillis = performance.now() - started;
  return progress;
}

async function sendOne(send: Sender, events: readonly TelemetryEvent[], progress: LoadProgress) {
  const begin = performance.now();
  try {
    const outcome = await send(events);
    progress.accepted += outcome.accepted;
    progress.rejected += outcome.rejected;
    progress.failed += outcome.failed;
  } catch {
    progress.failed += events.length;
  } finally {
    progress.requests += 1;
    progress.latenciesMillis.push(performance.now() - begin);
  }
}

/** The q-quantile (0..1) of a list of numbers, by nearest rank; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
