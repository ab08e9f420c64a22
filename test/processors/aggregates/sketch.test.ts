import { DDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deserializeSketch,
  mergeSketch,
  newSketch,
  serializeSketch,
} from '../../../processors/aggregates/sketch.ts';

describe('mergeSketch', () => {
  it('keeps negative values when merging into a non-empty sketch (sketches-js merge drops them)', () => {
    // arrange
    const into = newSketch(0.01);
    into.accept(-10);
    const from = newSketch(0.01);
    from.accept(-20);
    from.accept(-30);
    // act
    mergeSketch(into, deserializeSketch(serializeSketch(from), 0.01));
    // assert
    expect(into.count).toBe(3);
    expect(into.getValueAtQuantile(0.5)).toBeCloseTo(-20, -0.5);
    expect(Math.abs(into.getValueAtQuantile(0.5) + 20)).toBeLessThanOrEqual(0.2);
  });
});

describe('deserializeSketch', () => {
  /** The decoding the fast path replaces: the library's `fromProto`, merged into a collapsing sketch. */
  function libraryDecode(bytes: Uint8Array): ReturnType<typeof newSketch> {
    const sketch = newSketch(0.01);
    mergeSketch(sketch, DDSketch.fromProto(bytes));
    return sketch;
  }
  const values = fc.array(
    fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
      fc.constant(0),
    ),
    { maxLength: 400 },
  );

  it('decodes to the sketch the library decoding gives, and stays so as values are added', () => {
    fc.assert(
      fc.property(values, values, (before, after) => {
        // arrange
        const original = newSketch(0.01);
        for (const v of before) original.accept(v);
        const bytes = serializeSketch(original);
        // act
        const fast = deserializeSketch(bytes, 0.01);
        const reference = libraryDecode(bytes);
        for (const v of after) {
          fast.accept(v);
          reference.accept(v);
        }
        // assert
        expect(fast.count).toBe(reference.count);
        expect(fast.zeroCount).toBe(reference.zeroCount);
        for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1]) {
          expect(fast.getValueAtQuantile(q)).toBe(reference.getValueAtQuantile(q));
        }
        expect(deserializeSketch(serializeSketch(fast), 0.01).getValueAtQuantile(0.5)).toBe(
          reference.getValueAtQuantile(0.5),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('reads a sketch of another relative accuracy through the library, which refuses it', () => {
    const other = newSketch(0.05);
    other.accept(3);
    expect(() => deserializeSketch(serializeSketch(other), 0.01)).toThrow(/relativeAccuracy/);
  });
});

describe('serializeSketch', () => {
  it('writes the bytes the library writes, for empty, zero-only, negative and collapsed sketches', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
            fc.constant(0),
          ),
          { maxLength: 400 },
        ),
        (values) => {
          // arrange
          const sketch = newSketch(0.01);
          for (const v of values) sketch.accept(v);
          // act
          const ours = serializeSketch(sketch);
          // assert
          expect(Buffer.from(ours).equals(Buffer.from(sketch.toProto()))).toBe(true);
          const again = deserializeSketch(ours, 0.01);
          expect(Buffer.from(serializeSketch(again)).equals(Buffer.from(ours))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
