import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignHoppingWindows,
  assignTumblingWindow,
  MAX_EVENT_TIME_MILLIS,
  windowSpecProblem,
} from '../../../processors/windows/window.ts';

describe('assignTumblingWindow', () => {
  it('puts t = start into the window that starts there', () => {
    expect(assignTumblingWindow(60_000, 60_000)).toEqual({ start: 60_000, end: 120_000 });
  });
  it('puts t = end - 1 into the same window', () => {
    expect(assignTumblingWindow(119_999, 60_000)).toEqual({ start: 60_000, end: 120_000 });
  });
  it('puts t = end into the next window', () => {
    expect(assignTumblingWindow(120_000, 60_000)).toEqual({ start: 120_000, end: 180_000 });
  });
  it('floors negative timestamps: t = -1 is in [-size, 0)', () => {
    expect(assignTumblingWindow(-1, 10_000)).toEqual({ start: -10_000, end: 0 });
    expect(assignTumblingWindow(-10_000, 10_000)).toEqual({ start: -10_000, end: 0 });
    expect(assignTumblingWindow(-10_001, 10_000)).toEqual({ start: -20_000, end: -10_000 });
  });
  it('keeps exact integers at the largest and smallest Date times (checked against BigInt)', () => {
    for (const t of [MAX_EVENT_TIME_MILLIS, -MAX_EVENT_TIME_MILLIS, MAX_EVENT_TIME_MILLIS - 1]) {
      const big = BigInt(t);
      const size = 7_000n;
      const start = big - (((big % size) + size) % size);
      expect(assignTumblingWindow(t, 7_000)).toEqual({
        start: Number(start),
        end: Number(start + size),
      });
    }
  });
  it('always returns a window of the size that holds t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -MAX_EVENT_TIME_MILLIS, max: MAX_EVENT_TIME_MILLIS }),
        fc.integer({ min: 1, max: 86_400_000 }),
        (t, size) => {
          const w = assignTumblingWindow(t, size);
          expect(
            w.start <= t && t < w.end && w.end - w.start === size && w.start % size === 0,
          ).toBe(true);
        },
      ),
    );
  });
});

describe('assignHoppingWindows', () => {
  it('puts t into size / slide overlapping windows, latest start first', () => {
    expect(assignHoppingWindows(25_000, 30_000, 10_000)).toEqual([
      { start: 20_000, end: 50_000 },
      { start: 10_000, end: 40_000 },
      { start: 0, end: 30_000 },
    ]);
  });
  it('at t = a slide boundary, starts a window there and leaves the one that ends there', () => {
    expect(assignHoppingWindows(30_000, 30_000, 10_000).map((w) => w.start)).toEqual([
      30_000, 20_000, 10_000,
    ]);
  });
  it('handles negative timestamps across zero', () => {
    expect(assignHoppingWindows(-1, 20_000, 10_000)).toEqual([
      { start: -10_000, end: 10_000 },
      { start: -20_000, end: 0 },
    ]);
  });
  it('holds t in every window and in no other aligned one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 10 }),
        (t, slide, k) => {
          const windows = assignHoppingWindows(t, slide * k, slide);
          expect(windows).toHaveLength(k);
          for (const w of windows)
            expect(w.start <= t && t < w.end && w.start % slide === 0).toBe(true);
        },
      ),
    );
  });
});

describe('windowSpecProblem', () => {
  it('rejects a hopping size that is not a multiple of the slide, with the values', () => {
    expect(windowSpecProblem({ kind: 'hopping', sizeMillis: 25_000, slideMillis: 10_000 })).toMatch(
      /25000.*10000/,
    );
  });
  it('rejects a zero size', () => {
    expect(windowSpecProblem({ kind: 'tumbling', sizeMillis: 0 })).toMatch(/positive/);
  });
});
