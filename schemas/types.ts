/**
 * TypeScript views of the Avro schemas in `schemas/avsc/`. `test/schemas/types.test.ts` checks
 * these against types derived from the `.avsc` files at compile time, so the two cannot drift.
 *
 * Timestamps (`timestamp-millis` in the schemas) stay JS numbers, epoch milliseconds UTC: no
 * Date objects on the hot path.
 */

/** One measurement sent by a producer (schema `pipeline.telemetry.TelemetryEvent`). */
export interface TelemetryEvent {
  readonly eventId: string;
  readonly source: string;
  readonly metric: string;
  readonly value: number;
  /** Event time, epoch milliseconds UTC. */
  readonly timestamp: number;
  readonly attributes?: Readonly<Record<string, string>> | null;
  /** Unit of `value` (for example `percent`, `ms`), null when unknown. Since schema v2. */
  readonly unit?: string | null;
}

/** What a closed event-time window holds (schema `pipeline.telemetry.WindowAggregate`). */
export interface WindowAggregate {
  readonly source: string;
  readonly metric: string;
  readonly windowSizeMillis: number;
  /** Inclusive window start, epoch milliseconds UTC. */
  readonly windowStart: number;
  /** Exclusive window end, epoch milliseconds UTC. */
  readonly windowEnd: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly firstEventTime: number;
  readonly lastEventTime: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** Serialized DDSketch (protobuf, @datadog/sketches-js), or null when not kept. */
  readonly sketch?: Uint8Array | null;
  /** Events counted after the watermark passed the window end. Defaults to 0. */
  readonly lateCount: number;
  /** Processing time the window closed, epoch milliseconds UTC. */
  readonly closedAt: number;
}

/** The shapes of departure the detector reports (enum `pipeline.telemetry.AnomalyKind`). */
export const ANOMALY_KINDS = ['SPIKE', 'DROP', 'FLATLINE'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** Alert urgency (enum `pipeline.telemetry.AnomalySeverity`). */
export const ANOMALY_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AnomalySeverity = (typeof ANOMALY_SEVERITIES)[number];

/** A finding of the anomaly detector (schema `pipeline.telemetry.Anomaly`). */
export interface Anomaly {
  /** Deterministic per key and window, so redelivery yields the same id. */
  readonly anomalyId: string;
  readonly source: string;
  readonly metric: string;
  readonly windowSizeMillis: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly kind: AnomalyKind;
  readonly severity: AnomalySeverity;
  readonly observed: number;
  readonly baselineMean: number;
  readonly baselineStddev: number;
  readonly score: number;
  /** Processing time of detection, epoch milliseconds UTC. */
  readonly detectedAt: number;
  readonly details?: Readonly<Record<string, string>> | null;
}
