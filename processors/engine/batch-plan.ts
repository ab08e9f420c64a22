/**
 * Groups a batch's decoded events by the window part they belong to: one part per (source,
 * metric, window size, window start, shard, partition key). The partition key is in the part so
 * that each part has exactly one ordered writer: Kinesis and the event source mapping keep order
 * per partition key within a shard, even with a parallelization factor above 1, and never hand
 * one partition key of a shard to two concurrent batches. (A hot source spread over sub-keys
 * `source#k` therefore gets one part per sub-key; reads merge them.)
 */

import type { TelemetryEvent } from '../../schemas/types.ts';
import { assignWindows, type WindowSpec } from '../windows/window.ts';

/** One user record that decoded into a valid event. */
export interface DecodedEvent {
  readonly event: TelemetryEvent;
  readonly shardId: string;
  /** The user record's partition key (the Kinesis record's for a plain record). */
  readonly partitionKey: string;
  /**
   * The unit within which the event source mapping keeps order: the enclosing Kinesis record's
   * partition key (order is kept per Kinesis-level key even with a parallelization factor above
   * 1; a KPL record mixes user keys), or '' when the whole shard is one ordered unit.
   */
  readonly orderingKey: string;
  /** Fixed-width position in the shard (`recordPosition`). */
  readonly position: string;
  /** Sequence number of the enclosing Kinesis record: what a partial failure reports. */
  readonly sequenceNumber: string;
  /** `eventIdHash(event.eventId)`. */
  readonly idHash: number;
}

/** Which part of which window. */
export interface PartKey {
  readonly source: string;
  readonly metric: string;
  readonly windowSizeMillis: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly shardId: string;
  readonly partitionKey: string;
}

/** The events of one part, in shard order. */
export interface PartPlan {
  readonly key: PartKey;
  readonly events: DecodedEvent[];
}

/**
 * Assigns every event to its windows under every spec and groups them by part, keeping order.
 * Nested maps (rather than one concatenated string key) keep the per-event cost to a few
 * lookups; the window start is a number key.
 */
export function planBatch(
  events: readonly DecodedEvent[],
  specs: readonly WindowSpec[],
): PartPlan[] {
  const plans: PartPlan[] = [];
  const index = new Map<string, Map<number, PartPlan>>();
  for (const decoded of events) {
    const { event } = decoded;
    const head = `${decoded.shardId}\u0000${decoded.partitionKey}\u0000${event.source}\u0000${event.metric}`;
    for (const spec of specs) {
      const seriesKey = `${head}\u0000${spec.sizeMillis}`;
      let byStart = index.get(seriesKey);
      if (byStart === undefined) {
        byStart = new Map();
        index.set(seriesKey, byStart);
      }
      for (const window of assignWindows(event.timestamp, spec)) {
        let plan = byStart.get(window.start);
        if (plan === undefined) {
          plan = {
            key: {
              source: event.source,
              metric: event.metric,
              windowSizeMillis: spec.sizeMillis,
              windowStart: window.start,
              windowEnd: window.end,
              shardId: decoded.shardId,
              partitionKey: decoded.partitionKey,
            },
            events: [],
          };
          byStart.set(window.start, plan);
          plans.push(plan);
        }
        plan.events.push(decoded);
      }
    }
  }
  return plans;
}
