import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isAfter,
  NO_MARK,
  positionAt,
  positionPrefix,
  recordPosition,
  splitPosition,
} from '../../../processors/engine/sequence.ts';

const sequenceNumber = fc.stringMatching(/^[0-9]{1,56}$/);
const sub = fc.integer({ min: 0, max: 9_999_999_999 });

describe('split positions', () => {
  it('builds the same string as recordPosition', () => {
    fc.assert(
      fc.property(sequenceNumber, sub, (seq, s) => {
        expect(positionAt(positionPrefix(seq), s)).toBe(recordPosition(seq, s));
      }),
    );
  });

  it('orders (prefix, sub) against a mark as the position strings order', () => {
    fc.assert(
      fc.property(sequenceNumber, sub, sequenceNumber, sub, (seqA, subA, seqB, subB) => {
        const mark = recordPosition(seqB, subB);
        const after = isAfter(positionPrefix(seqA), subA, splitPosition(mark));
        expect(after).toBe(recordPosition(seqA, subA) > mark);
      }),
    );
  });

  it('puts every position after NO_MARK', () => {
    expect(isAfter(positionPrefix('0'), 0, splitPosition(NO_MARK))).toBe(true);
  });
});
