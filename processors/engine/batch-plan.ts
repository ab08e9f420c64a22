/**
 * Groups a batch's decoded events by the window part they belong to: one part per (source,
 * metric, window size, window start, shard, partition key). The partition key is in the part so
 * that each part has exactly one ordered writer: Kinesis and the event source mapping keep order
 * per partition key within a shard, even with a parallelization factor above 1, and never hand
 * one partition key of a shard to two concurrent batches. (A hot source spread over sub-keys
 * `source#k` therefore gets one part per sub-key; reads merge them.)
 */

import { alignedStart, type WindowSpec } from '../windows/window.ts';
import type { EventColumns } from './event-columns.ts';

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

/** The events of one part, in shard order: indices into the batch's columns. */
export interface PartPlan {
  readonly key: PartKey;
  readonly columns: EventColumns;
  readonly indices: number[];
}

/** The plans of one series (source, metric, shard, partition key) under one spec. */
class SeriesPlans {
  readonly byStart = new Map<number, PartPlan>();
  // Events of a series mostly fall in the window of the one before: one compare, no lookup.
  lastStart = Number.NaN;
  lastPlan: PartPlan | undefined;

  constructor(
    readonly columns: EventColumns,
    readonly head: number,
    readonly spec: WindowSpec,
  ) {}

  /** Adds event `i` to the plan of the window starting at `start`, creating it if new. */
  add(i: number, start: number, plans: PartPlan[]): void {
    let plan = start === this.lastStart ? this.lastPlan : this.byStart.get(start);
    if (plan === undefined) {
      const { columns, head, spec } = this;
      plan = {
        key: {
          source: columns.sources[head]!,
          metric: columns.metrics[head]!,
          windowSizeMillis: spec.sizeMillis,
          windowStart: start,
          windowEnd: start + spec.sizeMillis,
          shardId: columns.contextOf(head).shardId,
          partitionKey: columns.partitionKeys[head]!,
        },
        columns,
        indices: [],
      };
      this.byStart.set(start, plan);
      plans.push(plan);
    }
    this.lastStart = start;
    this.lastPlan = plan;
    plan.indices.push(i);
  }
}

/** Per (source, metric), the series of every (shard, partition key) and their plans per spec. */
type SeriesIndex = Map<string, Map<string, SeriesPlans[][]>>;

/** The plans per spec of the series of event `i`, created if new. */
function seriesOf(
  index: SeriesIndex,
  columns: EventColumns,
  i: number,
  specs: readonly WindowSpec[],
): SeriesPlans[] {
  const source = columns.sources[i]!;
  const metric = columns.metrics[i]!;
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
  const partitionKey = columns.partitionKeys[i]!;
  const shardId = columns.contextOf(i).shardId;
  // Almost always one candidate: a batch is one shard, and a source one partition key.
  for (let c = 0; c < candidates.length; c++) {
    const series = candidates[c]!;
    const head = series[0]!.head;
    if (
      columns.partitionKeys[head] === partitionKey &&
      columns.contextOf(head).shardId === shardId
    ) {
      return series;
    }
  }
  const series = specs.map((spec) => new SeriesPlans(columns, i, spec));
  candidates.push(series);
  return series;
}

/**
 * Assigns every event to its windows under every spec and groups them by part, keeping order.
 * Nested maps keyed by the decoded strings (rather than one concatenated key) keep the
 * per-event cost to two lookups and no string building; a tumbling window is one modulo.
 * `specs` have distinct sizes (the config requires it: a part is identified by size and start).
 */
export function planBatch(columns: EventColumns, specs: readonly WindowSpec[]): PartPlan[] {
  const plans: PartPlan[] = [];
  if (specs.length === 0) return plans;
  const index: SeriesIndex = new Map();
  const { timestamps } = columns;
  for (let i = 0; i < columns.length; i++) {
    const t = timestamps[i]!;
    const series = seriesOf(index, columns, i, specs);
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s]!;
      const plansOfSpec = series[s]!;
      if (spec.kind === 'tumbling') {
        plansOfSpec.add(i, alignedStart(t, spec.sizeMillis), plans);
        continue;
      }
      // Latest start first, as `assignHoppingWindows`.
      for (let start = alignedStart(t, spec.slideMillis); start > t - spec.sizeMillis; ) {
        plansOfSpec.add(i, start, plans);
        start -= spec.slideMillis;
      }
    }
  }
  return plans;
}
