import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  keyComponent,
  partSk,
  seriesPk,
  windowRangeSk,
  windowStartKey,
} from '../../../processors/store/keys.ts';
import { MAX_EVENT_TIME_MILLIS } from '../../../processors/windows/window.ts';

describe('windowStartKey', () => {
  it('sorts like the numbers, across zero and at the extremes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -MAX_EVENT_TIME_MILLIS - 86_400_000, max: MAX_EVENT_TIME_MILLIS }),
        fc.integer({ min: -MAX_EVENT_TIME_MILLIS - 86_400_000, max: MAX_EVENT_TIME_MILLIS }),
        (a, b) => {
          const ka = windowStartKey(a);
          const kb = windowStartKey(b);
          expect(ka.length).toBe(17);
          expect(Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0)).toBe(Math.sign(a - b));
        },
      ),
    );
  });
  it('is exact for -1 (10^16 - 1 is above 2^53)', () => {
    expect(windowStartKey(-1)).toBe('n9999999999999999');
  });
});

describe('keys', () => {
  it('escapes # so that names cannot forge another series', () => {
    expect(seriesPk('a#b', 'c', 1)).not.toBe(seriesPk('a', 'b#c', 1));
    expect(keyComponent('a#b%')).toBe('a%23b%25');
  });
  it('puts every part of windows in [from, to) inside the range, and none outside', () => {
    const { low, high } = windowRangeSk(10_000, 30_000);
    const inRange = (sk: string) => sk >= low && sk <= high;
    expect(inRange(partSk(10_000, 'shardId-1', 'k~~~'))).toBe(true);
    expect(inRange(partSk(20_000, 'shardId-1', 'k'))).toBe(true);
    expect(inRange(partSk(0, 'shardId-1', 'k'))).toBe(false);
    expect(inRange(partSk(30_000, 'shardId-1', 'k'))).toBe(false);
  });
});

describe('positionsOf', () => {
  it('gives the same positions as recordPosition', async () => {
    const { positionsOf, recordPosition } = await import('../../../processors/engine/sequence.ts');
    const seq = '49654321098765432109876543210987654321098765432109876543';
    for (const sub of [0, 7, 123_456, 9_999_999_999])
      expect(positionsOf(seq)(sub)).toBe(recordPosition(seq, sub));
  });
});
