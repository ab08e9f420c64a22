/**
 * Where the processor's side outputs go, as small interfaces: the handler depends on these, the
 * SQS and Firehose adapters implement them, and the anomaly detector (a later issue) plugs in as
 * a {@link WindowSink}.
 */

import type { WindowAggregate } from '../../schemas/types.ts';
import type { LateReason } from '../engine/absorb.ts';
import type { PoisonRecord } from '../kinesis/decode-records.ts';

/** A valid event that came too late for its window, with the window and the reason. */
export interface LateEventReport {
  readonly reason: LateReason;
  readonly eventId: string;
  readonly source: string;
  readonly metric: string;
  readonly value: number;
  readonly timestamp: number;
  readonly windowSizeMillis: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The shard's watermark when the batch began. */
  readonly watermarkMillis: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
}

/** Receives poison records (the dead-letter queue). */
export interface PoisonSink {
  /** Sends the records; resolves with those that could not be sent (to be retried). */
  sendPoison(records: readonly PoisonRecord[]): Promise<readonly PoisonRecord[]>;
}

/** Receives late events (the late-events side output). */
export interface LateEventSink {
  /** Sends the reports; resolves with those that could not be sent (to be retried). */
  sendLate(reports: readonly LateEventReport[]): Promise<readonly LateEventReport[]>;
}

/**
 * Receives every window once it has closed. Called at least once per window (again only if the
 * processor crashed between closing and confirming delivery): implementations de-duplicate by
 * (source, metric, windowSizeMillis, windowStart), which identifies a window.
 */
export interface WindowSink {
  onWindowClosed(windows: readonly WindowAggregate[]): Promise<void>;
}
