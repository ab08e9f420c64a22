/**
 * TypeScript views of the Avro schemas in `schemas/avsc/`. A test checks these against the
 * `.avsc` files so that the two cannot drift.
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
}
