import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../../../../infra/local/hosting/checkpoint-tracker.ts';

describe('CheckpointTracker', () => {
  it('does not pass a record that is still pending, even when later ones are done', () => {
    const tracker = new CheckpointTracker('0');
    for (const s of ['1', '2', '3', '4']) tracker.add(s);
    expect(tracker.complete(['3', '4'])).toBeUndefined();
    expect(tracker.checkpoint).toBe('0');
    expect(tracker.complete(['1'])).toBe('1');
    expect(tracker.complete(['2'])).toBe('4');
    expect(tracker.pending).toBe(0);
  });

  it('for any completion order, ends at the last record and never passes a pending one', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 200 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n })),
          ),
        ([n, order]) => {
          const tracker = new CheckpointTracker();
          for (let i = 0; i < n; i++) tracker.add(String(i + 1));
          const done = new Set<number>();
          for (const i of order) {
            done.add(i);
            tracker.complete([String(i + 1)]);
            const mark = tracker.checkpoint === undefined ? 0 : Number(tracker.checkpoint);
            for (let j = 0; j < mark; j++) expect(done.has(j)).toBe(true);
            expect(done.has(mark)).toBe(false);
          }
          expect(tracker.checkpoint).toBe(String(n));
        },
      ),
    );
  });
});
