import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KPL_CORRUPT_REASONS } from '../../../ingest/errors.ts';
import { KplAggregator } from '../../../ingest/kpl/aggregate.ts';
import {
  DeaggregateScratch,
  deaggregate,
  deaggregateSpans,
} from '../../../ingest/kpl/deaggregate.ts';
import { KPL_MAGIC } from '../../../ingest/kpl/format.ts';
import { libAggregate } from './aws-kinesis-agg.ts';

function frame(proto: Uint8Array): Buffer {
  return Buffer.concat([KPL_MAGIC, proto, hash('md5', proto, 'buffer') as unknown as Buffer]);
}

describe('deaggregate', () => {
  it('yields a plain record as itself, without a sub-sequence number', () => {
    const data = Buffer.from([0xc3, 0x01, 1, 2, 3]);
    const result = deaggregate(data, 'sensor-1');
    expect(result).toEqual({
      status: 'ok',
      aggregated: false,
      records: [
        {
          partitionKey: 'sensor-1',
          explicitHashKey: undefined,
          data,
          subSequenceNumber: undefined,
        },
      ],
    });
  });

  it('reads what aws-kinesis-agg writes, with explicit hash keys', () => {
    // arrange
    const records = [
      { partitionKey: 'a', data: Buffer.from('one'), explicitHashKey: '1' },
      { partitionKey: 'b', data: Buffer.from('two'), explicitHashKey: '2' },
      { partitionKey: 'a', data: Buffer.from('three'), explicitHashKey: '1' },
    ];
    // act
    const result = deaggregate(libAggregate(records).data);
    // assert
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.aggregated).toBe(true);
    expect(
      result.records.map((r) => [
        r.partitionKey,
        r.explicitHashKey,
        Buffer.from(r.data).toString(),
        r.subSequenceNumber,
      ]),
    ).toEqual([
      ['a', '1', 'one', 0],
      ['b', '2', 'two', 1],
      ['a', '1', 'three', 2],
    ]);
  });

  it('round-trips our own aggregation for any records', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pk: fc.string({ minLength: 1, maxLength: 10 }),
            data: fc.uint8Array({ maxLength: 200 }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (records) => {
          const agg = new KplAggregator({ maxRecordBytes: 1024 * 1024 });
          for (const r of records) agg.tryAdd(r.pk, r.data);
          const result = deaggregate(agg.build().data);
          expect(
            result.status === 'ok' &&
              result.records.map((r) => [r.partitionKey, Buffer.from(r.data)]),
          ).toEqual(records.map((r) => [r.pk, Buffer.from(r.data)]));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads into a reused scratch exactly as into fresh arrays, past its growth', () => {
    const scratch = new DeaggregateScratch();
    const spansOf = (data: Buffer, options: Parameters<typeof deaggregateSpans>[2]) => {
      const result = deaggregateSpans(data, 'p', options);
      if (result.status !== 'ok') throw new Error(result.reason);
      const { count, starts, ends, partitionKeyIndexes, partitionKeyTable } = result.spans;
      return Array.from({ length: count }, (_, i) => [
        starts[i],
        ends[i],
        partitionKeyTable[partitionKeyIndexes[i]!],
      ]);
    };
    for (const n of [3, 1_500, 7]) {
      const agg = new KplAggregator({ maxRecordBytes: 1024 * 1024 });
      for (let i = 0; i < n; i++) agg.tryAdd(`k${i % 9}`, Buffer.from(`record ${i}`));
      const data = agg.build().data;
      const fresh = spansOf(data, {});
      expect(fresh).toHaveLength(n);
      expect(spansOf(data, { scratch })).toEqual(fresh);
    }
  });

  it('reports a bad MD5 trailer', () => {
    const agg = new KplAggregator({ maxRecordBytes: 1024 });
    agg.tryAdd('a', Buffer.from('x'));
    const data = Buffer.from(agg.build().data);
    data[data.length - 1]! ^= 0xff;
    const result = deaggregate(data);
    expect(result.status === 'corrupt' && result.reason).toBe(KPL_CORRUPT_REASONS.badChecksum);
  });

  it('reports a record shorter than its framing', () => {
    const result = deaggregate(Buffer.from([...KPL_MAGIC, 1, 2, 3]));
    expect(result.status === 'corrupt' && result.reason).toBe(KPL_CORRUPT_REASONS.truncated);
  });

  it('reports malformed protobuf behind a valid checksum', () => {
    const cases: Uint8Array[] = [
      Uint8Array.of(0x0a, 0x05, 0x61), // table entry longer than the message
      Uint8Array.of(0x1a, 0x02, 0x08, 0x00), // record without data
      Uint8Array.of(0x0a, 0x01, 0x61, 0x1a, 0x05, 0x08, 0x03, 0x1a, 0x01, 0x78), // pk index 3 of 1
      Uint8Array.of(0x08, 0x01), // table field with a varint wire type
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), // endless varint
      Uint8Array.of(0x0b), // group wire type
    ];
    for (const proto of cases) {
      const result = deaggregate(frame(proto));
      expect(result.status === 'corrupt' && result.reason, Buffer.from(proto).toString('hex')).toBe(
        KPL_CORRUPT_REASONS.badProtobuf,
      );
    }
  });

  it('skips unknown fields and tags', () => {
    // pk table "a"; unknown field 9 (varint); record { pk 0, data "x", tag { key "k" } }
    const proto = Uint8Array.of(
      0x0a,
      0x01,
      0x61,
      0x48,
      0x07,
      0x1a,
      0x08,
      0x08,
      0x00,
      0x1a,
      0x01,
      0x78,
      0x22,
      0x01,
      0x6b,
    );
    const result = deaggregate(frame(proto));
    expect(
      result.status === 'ok' && result.records.map((r) => Buffer.from(r.data).toString()),
    ).toEqual(['x']);
  });

  it('never throws, whatever follows the magic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, checksummed) => {
        const data = checksummed ? frame(tail) : Buffer.concat([KPL_MAGIC, tail]);
        const result = deaggregate(data);
        expect(['ok', 'corrupt']).toContain(result.status);
      }),
      { numRuns: 500 },
    );
  });
});
