import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absorbValue, emptyWindowState } from '../../../processors/aggregates/window-state.ts';
import { decodePartState, encodePartState } from '../../../processors/store/part-state-codec.ts';

const WHERE = { pk: 'p', sk: 's' };

function stateOf(values: readonly number[]) {
  const state = emptyWindowState(0.01);
  for (let i = 0; i < values.length; i++) absorbValue(state, values[i]!, 1_000 + i, false);
  return state;
}

describe('part state codec', () => {
  it('reads back the horizon it wrote, whether given as an array or a typed array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.maxSafeNat(), fc.double({ noNaN: true })), { maxLength: 300 }),
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 50 }),
        fc.nat(7),
        (hashes, values, pad) => {
          // arrange
          const marks = new Map([['unit', `${'0'.repeat(56)}:${'0'.repeat(10)}`]]);
          const state = stateOf(values);
          // act
          const fromArray = encodePartState({ state, recentIdHashes: hashes, marks });
          const fromTyped = encodePartState({
            state,
            recentIdHashes: Float64Array.from(hashes),
            marks,
          });
          // At an offset that is not a multiple of 8, as a blob inside a larger read can be.
          const shifted = new Uint8Array(fromArray.length + pad + 1).subarray(pad + 1);
          shifted.set(fromArray);
          const decoded = decodePartState(shifted, 0.01, WHERE);
          // assert
          expect(Buffer.from(fromTyped).equals(Buffer.from(fromArray))).toBe(true);
          expect(Array.from(decoded.recentIdHashes)).toEqual(hashes);
          expect(decoded.marks).toEqual(marks);
          expect(decoded.state.count).toBe(values.length);
          expect(decoded.state.sketch.count).toBe(values.length);
        },
      ),
    );
  });

  it('still reads a version-1 blob written byte by byte as the first codec did', () => {
    // arrange: u8 1, 7 f64, u32 sketch length + sketch of an empty state, 2 hashes, no marks.
    const sketch = encodePartState({
      state: emptyWindowState(0.01),
      recentIdHashes: [],
      marks: new Map(),
    });
    const sketchLength = Buffer.from(sketch).readUInt32LE(57);
    const header = Buffer.from(sketch).subarray(0, 61 + sketchLength);
    const tail = Buffer.alloc(4 + 16 + 4);
    tail.writeUInt32LE(2, 0);
    tail.writeDoubleLE(2 ** 52 + 1, 4);
    tail.writeDoubleLE(7, 12);
    tail.writeUInt32LE(0, 20);
    // act
    const decoded = decodePartState(Buffer.concat([header, tail]), 0.01, WHERE);
    // assert
    expect(Array.from(decoded.recentIdHashes)).toEqual([2 ** 52 + 1, 7]);
    expect(decoded.marks.size).toBe(0);
  });
});
