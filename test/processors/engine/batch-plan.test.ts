import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PartPlan, planBatch } from '../../../processors/engine/batch-plan.ts';
import { EventColumns } from '../../../processors/engine/event-columns.ts';
import { assignWindows, type WindowSpec } from '../../../processors/windows/window.ts';

type Raw = readonly [source: string, metric: string, pk: string, shard: string, t: number];

function columnsOf(raw: readonly Raw[]): EventColumns {
  const columns = new EventColumns();
  const shards = new Map<string, number>();
  raw.forEach(([source, metric, pk, shard, t], i) => {
    let record = shards.get(shard) ?? -1;
    if (record < 0) {
      record = columns.addRecord({
        shardId: shard,
        sequenceNumber: '1',
        positionPrefix: 'p.',
        orderingKey: pk,
      });
      shards.set(shard, record);
    }
    columns.push(record, i, { eventId: `e${i}`, source, metric, value: i, timestamp: t }, pk, i);
  });
  return columns;
}

/** A plan with its indices as a plain array, for comparison with the reference. */
type ListedPlan = Omit<PartPlan, 'indices'> & { indices: number[] };

function listed(plans: readonly PartPlan[]): ListedPlan[] {
  return plans.map((plan) => ({ ...plan, indices: Array.from(plan.indices) }));
}

/** The definition: one part per (shard, key, source, metric, size, start), in first-seen order. */
function reference(columns: EventColumns, specs: readonly WindowSpec[]): ListedPlan[] {
  const plans = new Map<string, ListedPlan>();
  for (let i = 0; i < columns.length; i++) {
    const e = {
      ...columns.event(i),
      shardId: columns.contextOf(i).shardId,
      partitionKey: columns.partitionKey(i),
    };
    for (const spec of specs) {
      for (const w of assignWindows(e.timestamp, spec)) {
        const id = JSON.stringify([
          e.shardId,
          e.partitionKey,
          e.source,
          e.metric,
          spec.sizeMillis,
          w.start,
        ]);
        let plan = plans.get(id);
        if (plan === undefined) {
          plan = {
            key: {
              source: e.source,
              metric: e.metric,
              windowSizeMillis: spec.sizeMillis,
              windowStart: w.start,
              windowEnd: w.end,
              shardId: e.shardId,
              partitionKey: e.partitionKey,
            },
            columns,
            indices: [],
          };
          plans.set(id, plan);
        }
        plan.indices.push(i);
      }
    }
  }
  return [...plans.values()];
}

const specArb: fc.Arbitrary<WindowSpec> = fc.oneof(
  fc.integer({ min: 1, max: 50 }).map((sizeMillis) => ({ kind: 'tumbling' as const, sizeMillis })),
  fc
    .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 4 }))
    .map(([slideMillis, n]) => ({
      kind: 'hopping' as const,
      sizeMillis: slideMillis * n,
      slideMillis,
    })),
);

describe('planBatch', () => {
  it('groups events exactly as assigning each to its windows would, in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('a', 'b', 'c'),
            fc.constantFrom('m1', 'm2'),
            fc.constantFrom('', '#1'),
            fc.constantFrom('shard-0', 'shard-1'),
            fc.integer({ min: -200, max: 200 }),
          ),
          { maxLength: 60 },
        ),
        // One spec per size, as `resolveProcessorConfig` requires.
        fc.uniqueArray(specArb, {
          minLength: 1,
          maxLength: 3,
          selector: (spec) => spec.sizeMillis,
        }),
        (raw, specs) => {
          // arrange
          const columns = columnsOf(raw.map(([s, m, k, shard, t]) => [s, m, s + k, shard, t]));
          // act / assert
          expect(listed(planBatch(columns, specs))).toEqual(reference(columns, specs));
        },
      ),
    );
  });

  it('makes no plans without window specs', () => {
    expect(planBatch(columnsOf([['a', 'm', 'a', 's', 0]]), [])).toEqual([]);
  });
});
