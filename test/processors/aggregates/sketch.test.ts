import { DDSketch, LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deserializeSketch,
  mergeSketch,
  newSketch,
  type Sketch,
  serializeSketch,
} from '../../../processors/aggregates/sketch.ts';
import { readSketchProto, writeSketchProto } from '../../../processors/aggregates/sketch-proto.ts';

/**
 * The implementation the typed-array sketch replaces, as it was: the library's collapsing
 * sketch, merged with the negative-store fix, written with `writeSketchProto` from the
 * library's store fields, and read back by putting the decoded bins into the library's stores.
 */
const library = {
  create: () => new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: 0.01, binLimit: 2048 }),
  merge(into: DDSketch, from: DDSketch): void {
    const intoWasEmpty = into.count === 0;
    into.merge(from);
    if (!intoWasEmpty && from.count > 0) into.negativeStore.merge(from.negativeStore);
  },
  serialize(sketch: DDSketch): Uint8Array {
    return writeSketchProto({
      gamma: sketch.mapping.gamma,
      indexOffset: 0,
      interpolation: 0,
      positive: sketch.store as unknown as { bins: number[]; offset: number },
      negative: sketch.negativeStore as unknown as { bins: number[]; offset: number },
      zeroCount: sketch.zeroCount,
    });
  },
  deserialize(bytes: Uint8Array): DDSketch {
    const sketch = library.create();
    const decoded = readSketchProto(bytes);
    if (decoded === undefined || decoded.positive.bins.length > 2048) {
      library.merge(sketch, DDSketch.fromProto(bytes));
      return sketch;
    }
    let count = decoded.zeroCount;
    for (const [store, from] of [
      [sketch.store, decoded.positive],
      [sketch.negativeStore, decoded.negative],
    ] as const) {
      const bins = Array.from(from.bins);
      const n = bins.reduce((a, b) => a + b, 0);
      if (n === 0) continue;
      Object.assign(store, {
        bins,
        count: n,
        offset: from.offset,
        minKey: from.offset,
        maxKey: from.offset + bins.length - 1,
      });
      count += n;
    }
    if (count > 0) Object.assign(sketch, { zeroCount: decoded.zeroCount, count });
    return sketch;
  },
};

const QUANTILES = [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1];

/** Ours and the library's hold the same: bytes, counts, store ranges, quantiles. */
function expectSame(ours: Sketch, theirs: DDSketch): void {
  expect(Buffer.from(serializeSketch(ours)).equals(Buffer.from(library.serialize(theirs)))).toBe(
    true,
  );
  expect(ours.count).toBe(theirs.count);
  expect(ours.zeroCount).toBe(theirs.zeroCount);
  for (const [a, b] of [
    [ours.store, theirs.store],
    [ours.negativeStore, theirs.negativeStore],
  ] as const) {
    const lib = b as unknown as { minKey: number; maxKey: number; isCollapsed?: boolean };
    expect([a.count, a.offset, a.minKey, a.maxKey, a.isCollapsed]).toEqual([
      b.count,
      b.offset,
      lib.minKey,
      lib.maxKey,
      lib.isCollapsed === true,
    ]);
  }
  for (const q of QUANTILES) {
    expect(Object.is(ours.getValueAtQuantile(q), theirs.getValueAtQuantile(q))).toBe(true);
  }
}

const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
  fc.double({ min: -1e300, max: -1e-300, noNaN: true }),
  // Near 1 (keys around 0, where the library's `max || min` drops a key of 0) and tiny ones.
  fc.double({ min: 0.3, max: 1.01, noNaN: true }),
  fc.double({ min: 1e-12, max: 1e-8, noNaN: true }),
  fc.constant(0),
);

type Op =
  | { readonly kind: 'accept'; readonly target: 0 | 1; readonly value: number }
  | { readonly kind: 'merge'; readonly into: 0 | 1 }
  | { readonly kind: 'roundtrip'; readonly target: 0 | 1 };

const target = fc.constantFrom(0 as const, 1 as const);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('accept' as const), target, value }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), into: target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('roundtrip' as const), target }) },
);

describe('the typed-array sketch', () => {
  it('holds what the library sketch holds after any accepts, merges and round trips', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        // arrange
        const ours = [newSketch(0.01), newSketch(0.01)];
        const theirs = [library.create(), library.create()];
        // act
        for (const o of ops) {
          if (o.kind === 'accept') {
            ours[o.target]!.accept(o.value);
            theirs[o.target]!.accept(o.value);
          } else if (o.kind === 'merge') {
            const from = 1 - o.into;
            mergeSketch(ours[o.into]!, deserializeSketch(serializeSketch(ours[from]!), 0.01));
            library.merge(theirs[o.into]!, library.deserialize(library.serialize(theirs[from]!)));
          } else {
            ours[o.target] = deserializeSketch(serializeSketch(ours[o.target]!), 0.01);
            theirs[o.target] = library.deserialize(library.serialize(theirs[o.target]!));
          }
        }
        // assert
        expectSame(ours[0]!, theirs[0]!);
        expectSame(ours[1]!, theirs[1]!);
      }),
      { numRuns: 300 },
    );
  });

  it('grows past its end as the library array does when a merge drops a max key of 0', () => {
    // arrange: keys near -1150 in one, [-35, 0] in the other (0 is the key of 1.0).
    const ours = newSketch(0.01);
    const theirs = library.create();
    for (const v of [1e-10, 2e-10]) {
      ours.accept(v);
      theirs.accept(v);
    }
    const from = newSketch(0.01);
    const fromTheirs = library.create();
    for (const v of [0.5, 1]) {
      from.accept(v);
      fromTheirs.accept(v);
    }
    // act
    mergeSketch(ours, from);
    library.merge(theirs, fromTheirs);
    // assert
    expect(ours.store.bins.length).toBe(theirs.store.bins.length);
    expect(Number.isNaN(ours.store.bins[ours.store.bins.length - 1]!)).toBe(true);
    expectSame(ours, theirs);
    expectSame(
      deserializeSketch(serializeSketch(ours), 0.01),
      library.deserialize(library.serialize(theirs)),
    );
  });
});

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
    expect(Math.abs(into.getValueAtQuantile(0.5) + 20)).toBeLessThanOrEqual(0.2);
  });
});

describe('deserializeSketch', () => {
  it('reads a sketch wider than the bin cap (an unbounded DDSketch) through the library', () => {
    // arrange
    const wide = new DDSketch({ relativeAccuracy: 0.01 });
    for (const v of [1e-15, 1, 1e15, -1e-15, -1e15, 0]) wide.accept(v);
    const bytes = wide.toProto();
    // act
    const ours = deserializeSketch(bytes, 0.01);
    const theirs = library.deserialize(bytes);
    for (const v of [1e-20, 5, -5]) {
      ours.accept(v);
      theirs.accept(v);
    }
    // assert
    expect(ours.store.bins.length).toBeGreaterThan(2048);
    expectSame(ours, theirs);
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
      fc.property(fc.array(value, { maxLength: 400 }), (values) => {
        // arrange
        const ours = newSketch(0.01);
        const theirs = library.create();
        for (const v of values) {
          ours.accept(v);
          theirs.accept(v);
        }
        // act
        const bytes = serializeSketch(ours);
        // assert
        expect(Buffer.from(bytes).equals(Buffer.from(theirs.toProto()))).toBe(true);
        const again = deserializeSketch(bytes, 0.01);
        expect(Buffer.from(serializeSketch(again)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
