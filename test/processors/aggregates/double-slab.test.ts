import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocDoubles } from '../../../processors/aggregates/double-slab.ts';

describe('allocDoubles', () => {
  it('gives zero-filled arrays of the length asked that never share an element', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 40 }), (lengths) => {
        // act: fill each with its own index, as owners would write them.
        const arrays = lengths.map((n) => allocDoubles(n));
        arrays.forEach((a, k) => {
          expect(a.length).toBe(lengths[k]);
          expect(a.every((x) => x === 0)).toBe(true);
          a.fill(k + 1);
        });
        // assert: no write reached another array.
        arrays.forEach((a, k) => {
          expect(a.every((x) => x === k + 1)).toBe(true);
        });
      }),
      { numRuns: 50 },
    );
  });
});
