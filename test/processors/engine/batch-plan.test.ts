import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedEvent,
  type PartPlan,
  planBatch,
} from '../../../processors/engine/batch-plan.ts';
import { assignWindows, type WindowSpec } from '../../../processors/windows/window.ts';

function decoded(i: number, source: string, metric: string, pk: string, shard: string, t: number) {
  return {
    event: { eventId: `e${i}`, source, metric, value: i, timestamp: t },
    shardId: shard,
    partitionKey: pk,
    orderingKey: pk,
    positionPrefix: 'p.',
    subSequence: i,
    sequenceNumber: '1',
    idHash: i,
  } satisfies DecodedEvent;
}

/** The definition: one part per (shard, key, source, metric, size, start), in first-seen order. */
function reference(events: readonly DecodedEvent[], specs: readonly WindowSpec[]): PartPlan[] {
  const plans = new Map<string, PartPlan>();
  for (const e of events) {
    for (const spec of specs) {
      for (const w of assignWindows(e.event.timestamp, spec)) {
        const id = JSON.stringify([
          e.shardId,
          e.partitionKey,
          e.event.source,
          e.event.metric,
          spec.sizeMillis,
          w.start,
        ]);
        let plan = plans.get(id);
        if (plan === undefined) {
          plan = {
            key: {
              source: e.event.source,
              metric: e.event.metric,
              windowSizeMillis: spec.sizeMillis,
              windowStart: w.start,
              windowEnd: w.end,
              shardId: e.shardId,
              partitionKey: e.partitionKey,
            },
            events: [],
          };
          plans.set(id, plan);
        }
        plan.events.push(e);
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
          const events = raw.map(([s, m, k, shard, t], i) => decoded(i, s, m, s + k, shard, t));
          // act / assert
          expect(planBatch(events, specs)).toEqual(reference(events, specs));
        },
      ),
    );
  });

  it('makes no plans without window specs', () => {
    expect(planBatch([decoded(0, 'a', 'm', 'a', 's', 0)], [])).toEqual([]);
  });
});
