import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdHashSet } from '../../../processors/engine/id-hash-set.ts';

describe('IdHashSet', () => {
  it('answers add() as a Set would, for any hashes up to its capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -1, max: 40 }), fc.maxSafeNat()), { maxLength: 300 }),
        (hashes) => {
          // arrange
          const set = new IdHashSet(hashes.length);
          const reference = new Set<number>();
          // act / assert
          for (const h of hashes) {
            expect(set.has(h)).toBe(reference.has(h));
            expect(set.add(h)).toBe(!reference.has(h));
            reference.add(h);
            expect(set.has(h)).toBe(true);
          }
          expect(set.size).toBe(reference.size);
        },
      ),
    );
  });

  it('refuses to grow past its capacity rather than loop', () => {
    const set = new IdHashSet(8);
    for (let i = 0; i < 8; i++) set.add(i * 16);
    expect(() => set.add(999)).toThrow(RangeError);
  });

  it('is empty after reset, whatever it held, and holds the new capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -1, max: 40 }), fc.maxSafeNat()), { maxLength: 100 }),
        fc.array(fc.maxSafeNat(), { maxLength: 300 }),
        (before, after) => {
          // arrange
          const set = new IdHashSet(before.length);
          for (const h of before) set.add(h);
          // act
          set.reset(after.length);
          // assert
          expect(set.size).toBe(0);
          for (const h of before) expect(set.has(h)).toBe(false);
          for (const h of after) set.add(h);
          expect(set.size).toBe(new Set(after).size);
        },
      ),
    );
  });
});
