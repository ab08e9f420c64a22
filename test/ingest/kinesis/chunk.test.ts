import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../../infra/limits.ts';
import { chunkPutEntries } from '../../../ingest/kinesis/chunk.ts';

const MiB = 1024 * 1024;
const entries = (n: number, bytes = 1) => Array.from({ length: n }, (_, i) => ({ id: i, bytes }));

describe('chunkPutEntries', () => {
  it('puts 500 entries in one call', () => {
    expect(chunkPutEntries(entries(500)).map((c) => c.length)).toEqual([500]);
  });

  it('puts the 501st entry in a second call', () => {
    expect(chunkPutEntries(entries(501)).map((c) => c.length)).toEqual([500, 1]);
  });

  it('fills a call to exactly 5 MiB', () => {
    // arrange: five 1 MiB entries are exactly the call limit
    const calls = chunkPutEntries(entries(5, MiB));
    expect(calls.map((c) => c.length)).toEqual([5]);
    expect(KINESIS.maxBytesPerPutRecords).toBe(5 * MiB);
  });

  it('moves the entry that would make a call one byte over 5 MiB to the next call', () => {
    const list = [...entries(4, MiB), { id: 4, bytes: MiB + 1 }];
    expect(chunkPutEntries(list).map((c) => c.map((e) => e.id))).toEqual([[0, 1, 2, 3], [4]]);
  });

  it('keeps order and loses nothing', () => {
    const list = Array.from({ length: 2000 }, (_, i) => ({ id: i, bytes: (i * 7919) % 200_000 }));
    const calls = chunkPutEntries(list);
    expect(calls.flat().map((e) => e.id)).toEqual(list.map((e) => e.id));
    for (const call of calls) {
      expect(call.length).toBeLessThanOrEqual(500);
      expect(call.reduce((s, e) => s + e.bytes, 0)).toBeLessThanOrEqual(5 * MiB);
    }
  });

  it('makes no call for no entries', () => {
    expect(chunkPutEntries([])).toEqual([]);
  });

  it('refuses an entry larger than a whole call', () => {
    expect(() => chunkPutEntries([{ bytes: 5 * MiB + 1 }])).toThrow(RangeError);
  });
});
