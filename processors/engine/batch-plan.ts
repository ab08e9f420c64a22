/**
 * Groups a batch's decoded events by the window part they belong to: one part per (source,
 * metric, window size, window start, shard, partition key). The partition key is in the part so
 * that each part has exactly one ordered writer: Kinesis and the event source mapping keep order
 * per partition key within a shard, even with a parallelization factor above 1, and never hand
 * one partition key of a shard to two concurrent batches. (A hot source spread over sub-keys
 * `source#k` therefore gets one part per sub-key; reads merge them.)
 */

import type { TelemetryEvent } from '../../schemas/types.ts';
import { alignedStart, type WindowSpec } from '../windows/window.ts';

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
  /**
   * The position in the shard (`recordPosition`) in two parts, so that no string is built per
   * user record: the enclosing Kinesis record's padded prefix (one string shared by all its
   * user records, see `positionPrefix`) and the user record's sub-sequence number.
   */
  readonly positionPrefix: string;
  readonly subSequence: number;
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

/** The plans of one series (source, metric, shard, partition key) under one spec. */
class SeriesPlans {
  readonly byStart = new Map<number, PartPlan>();
  // Events of a series mostly fall in the window of the one before: one compare, no lookup.
  lastStart = Number.NaN;
  lastPlan: PartPlan | undefined;

  constructor(
    readonly head: DecodedEvent,
    readonly spec: WindowSpec,
  ) {}

  /** Adds `decoded` to the plan of the window starting at `start`, creating it if new. */
  add(decoded: DecodedEvent, start: number, plans: PartPlan[]): void {
    let plan = start === this.lastStart ? this.lastPlan : this.byStart.get(start);
    if (plan === undefined) {
      const { head, spec } = this;
      plan = {
        key: {
          source: head.event.source,
          metric: head.event.metric,
          windowSizeMillis: spec.sizeMillis,
          windowStart: start,
          windowEnd: start + spec.sizeMillis,
          shardId: head.shardId,
          partitionKey: head.partitionKey,
        },
        events: [],
      };
      this.byStart.set(start, plan);
      plans.push(plan);
    }
    this.lastStart = start;
    this.lastPlan = plan;
    plan.events.push(decoded);
  }
}

/** Per (source, metric), the series of every (shard, partition key) and their plans per spec. */
type SeriesIndex = Map<string, Map<string, SeriesPlans[][]>>;

/** The plans per spec of the series of `decoded`, created if new. */
function seriesOf(
  index: SeriesIndex,
  decoded: DecodedEvent,
  specs: readonly WindowSpec[],
): SeriesPlans[] {
  const { source, metric } = decoded.event;
  let byMetric = index.get(source);
  if (byMetric === undefined) {
    byMetric = new Map();
    index.set(source, byMetric);
  }
  let candidates = byMetric.get(metric);
  if (candidates === undefined) {
    candidates = [];
    byMetric.set(metric, candidates);
  }
  // Almost always one candidate: a batch is one shard, and a source one partition key.
  for (let i = 0; i < candidates.length; i++) {
    const series = candidates[i]!;
    const head = series[0]!.head;
    if (head.partitionKey === decoded.partitionKey && head.shardId === decoded.shardId) {
      return series;
    }
  }
  const series = specs.map((spec) => new SeriesPlans(decoded, spec));
  candidates.push(series);
  return series;
}

/**
 * Assigns every event to its windows under every spec and groups them by part, keeping order.
 * Nested maps keyed by the decoded strings (rather than one concatenated key) keep the
 * per-event cost to two lookups and no string building; a tumbling window is one modulo.
 * `specs` have distinct sizes (the config requires it: a part is identified by size and start).
 */
export function planBatch(
  events: readonly DecodedEvent[],
  specs: readonly WindowSpec[],
): PartPlan[] {
  const plans: PartPlan[] = [];
  if (specs.length === 0) return plans;
  const index: SeriesIndex = new Map();
  for (let e = 0; e < events.length; e++) {
    const decoded = events[e]!;
    const t = decoded.event.timestamp;
    const series = seriesOf(index, decoded, specs);
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s]!;
      const plansOfSpec = series[s]!;
      if (spec.kind === 'tumbling') {
        plansOfSpec.add(decoded, alignedStart(t, spec.sizeMillis), plans);
        continue;
      }
      // Latest start first, as `assignHoppingWindows`.
      for (let start = alignedStart(t, spec.slideMillis); start > t - spec.sizeMillis; ) {
        plansOfSpec.add(decoded, start, plans);
        start -= spec.slideMillis;
      }
    }
  }
  return plans;
}
