import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KplAggregator } from '../../../ingest/kpl/aggregate.ts';
import { deaggregate } from '../../../ingest/kpl/deaggregate.ts';
import { libAggregate, libDeaggregate } from './aws-kinesis-agg.ts';

const MiB = 1024 * 1024;

function aggregateAll(
  records: readonly { partitionKey: string; data: Uint8Array; explicitHashKey?: string }[],
) {
  const agg = new KplAggregator({ maxRecordBytes: MiB });
  for (const r of records) expect(agg.tryAdd(r.partitionKey, r.data, r.explicitHashKey)).toBe(true);
  return agg.build();
}

/**
 * aws-kinesis-agg builds its key table with `Object.keys`, which lists integer-like keys ("0",
 * "42") first, out of insertion order, so it mislabels records when such a key is present (see
 * the last test); it also loses a key named `__proto__`, a plain object's setter. Byte equality is
 * checked for the keys it handles correctly.
 */
const libMishandles = (key: string) =>
  key === '__proto__' || (/^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1);

const userRecord = fc.record({
  partitionKey: fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !libMishandles(k)),
  data: fc.uint8Array({ minLength: 1, maxLength: 300 }),
});

describe('KplAggregator', () => {
  it('writes exactly the bytes aws-kinesis-agg writes for the same records', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 50 }), (records) => {
        // arrange / act
        const ours = aggregateAll(records);
        const theirs = libAggregate(records);
        // assert
        expect(ours.data.equals(theirs.data)).toBe(true);
        expect(ours.partitionKey).toBe(theirs.partitionKey);
      }),
      { numRuns: 200 },
    );
  });

  it('matches aws-kinesis-agg with per-record explicit hash keys too', () => {
    const records = [
      { partitionKey: 'a', data: Buffer.from('one'), explicitHashKey: '123' },
      { partitionKey: 'b', data: Buffer.from('two'), explicitHashKey: '456' },
      { partitionKey: 'a', data: Buffer.from('three'), explicitHashKey: '123' },
    ];
    expect(aggregateAll(records).data.equals(libAggregate(records).data)).toBe(true);
  });

  it('is read back by aws-kinesis-agg, keys and payloads in order', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 30 }), (records) => {
        const built = aggregateAll(records);
        const back = libDeaggregate(built.data, built.partitionKey);
        expect(back.map((r) => r.partitionKey)).toEqual(records.map((r) => r.partitionKey));
        expect(back.map((r) => r.data)).toEqual(
          records.map((r) => Buffer.from(r.data).toString('base64')),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('reports the size it builds, data plus Kinesis partition key', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 30 }), (records) => {
        const agg = new KplAggregator({ maxRecordBytes: MiB });
        for (const r of records) agg.tryAdd(r.partitionKey, r.data);
        const predicted = agg.sizeBytes;
        const built = agg.build();
        expect(built.bytes).toBe(built.data.length + Buffer.byteLength(built.partitionKey));
        expect(built.bytes).toBe(predicted);
      }),
      { numRuns: 100 },
    );
  });

  it('accepts a record that brings it exactly to the cap and refuses one byte more', () => {
    // arrange: measure one record's framed size, then set the cap to it exactly
    const probe = new KplAggregator({ maxRecordBytes: MiB });
    probe.tryAdd('pk', Buffer.alloc(100));
    probe.tryAdd('pk', Buffer.alloc(100));
    const twoRecords = probe.sizeBytes;
    // act / assert
    const atCap = new KplAggregator({ maxRecordBytes: twoRecords });
    expect(atCap.tryAdd('pk', Buffer.alloc(100))).toBe(true);
    expect(atCap.tryAdd('pk', Buffer.alloc(100))).toBe(true);
    expect(atCap.build().bytes).toBe(twoRecords);
    const underCap = new KplAggregator({ maxRecordBytes: twoRecords - 1 });
    expect(underCap.tryAdd('pk', Buffer.alloc(100))).toBe(true);
    expect(underCap.tryAdd('pk', Buffer.alloc(100))).toBe(false);
    expect(underCap.count).toBe(1);
    expect(underCap.build().userRecordCount).toBe(1);
  });

  it('refuses, on an empty aggregator, a record that cannot fit alone', () => {
    const agg = new KplAggregator({ maxRecordBytes: 50 });
    expect(agg.tryAdd('pk', Buffer.alloc(40))).toBe(false);
    expect(agg.count).toBe(0);
  });

  it('counts partition keys in UTF-8 bytes', () => {
    const records = [{ partitionKey: 'capteur-é-東京', data: Buffer.from('x') }];
    const built = aggregateAll(records);
    const back = deaggregate(built.data);
    expect(back.status === 'ok' && back.records[0]?.partitionKey).toBe('capteur-é-東京');
    expect(built.bytes).toBe(built.data.length + Buffer.byteLength('capteur-é-東京'));
  });

  it('keeps integer-like partition keys with their records, where aws-kinesis-agg swaps them', () => {
    // arrange
    const records = [
      { partitionKey: 'sensor', data: Buffer.from('a') },
      { partitionKey: '42', data: Buffer.from('b') },
    ];
    // act
    const ours = deaggregate(aggregateAll(records).data);
    const theirs = libAggregate(records);
    // assert: ours round-trips; the library's own output reads back with the keys swapped
    expect(ours.status === 'ok' && ours.records.map((r) => r.partitionKey)).toEqual([
      'sensor',
      '42',
    ]);
    expect(libDeaggregate(theirs.data, theirs.partitionKey).map((r) => r.partitionKey)).toEqual([
      '42',
      'sensor',
    ]);
  });

  it('starts over empty after build', () => {
    const agg = new KplAggregator({ maxRecordBytes: MiB });
    agg.tryAdd('a', Buffer.from('1'));
    agg.build();
    expect(agg.count).toBe(0);
    expect(() => agg.build()).toThrow(RangeError);
  });
});
