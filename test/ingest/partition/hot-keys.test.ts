import { describe, expect, it } from 'vitest';
import { type HotKeyOptions, HotKeyTracker, subKeyOf } from '../../../ingest/partition/hot-keys.ts';

const options: HotKeyOptions = {
  subKeys: 4,
  requestShareFactor: 8,
  minRecordsPerRequest: 100,
  recordsPerSecond: 50,
  intervalMillis: 10_000,
  maxTrackedSources: 1000,
};
const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));
const tenQuiet = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`quiet-${i}`, 5]));

describe('HotKeyTracker', () => {
  it('spreads a source far above its share of a request', () => {
    const tracker = new HotKeyTracker({ ...options, recordsPerSecond: 1e9 });
    // fair share (1000 + 50) / 11 ≈ 95; 8 times that is ≈ 764 < 1000
    expect(tracker.observe(counts({ hot: 1000, ...tenQuiet }), 0)).toEqual(new Set(['hot']));
  });

  it('does not spread a source below the request minimum, however skewed', () => {
    const tracker = new HotKeyTracker({ ...options, recordsPerSecond: 1e9 });
    expect(
      tracker.observe(counts({ hot: 99, a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1 }), 0)
        .size,
    ).toBe(0);
  });

  it('spreads a source over its recent rate even when each request looks fair', () => {
    // arrange: 50 records/s over 10 s is a threshold of 500 records
    const tracker = new HotKeyTracker(options);
    // act / assert
    expect(tracker.observe(counts({ steady: 300 }), 0).size).toBe(0);
    expect(tracker.observe(counts({ steady: 300 }), 1000)).toEqual(new Set(['steady']));
  });

  it('forgets a source once its interval has passed', () => {
    const tracker = new HotKeyTracker(options);
    tracker.observe(counts({ s: 450 }), 0);
    expect(tracker.observe(counts({ s: 100 }), 25_000).size).toBe(0);
  });

  it('never spreads with one sub-key', () => {
    const tracker = new HotKeyTracker({ ...options, subKeys: 1 });
    expect(tracker.observe(counts({ hot: 1e6 }), 0).size).toBe(0);
  });
});

describe('subKeyOf', () => {
  it('keeps an event on one sub-key and spreads events over all of them', () => {
    expect(subKeyOf('s', 'event-1', 4)).toBe(subKeyOf('s', 'event-1', 4));
    const keys = new Set(Array.from({ length: 200 }, (_, i) => subKeyOf('s', `event-${i}`, 4)));
    expect(keys).toEqual(new Set(['s#0', 's#1', 's#2', 's#3']));
  });
});
