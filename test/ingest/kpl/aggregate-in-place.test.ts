import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KplAggregator } from '../../../ingest/kpl/aggregate.ts';
import { encodeTelemetryEvent } from '../../../schemas/codec.ts';
import { uncheckedTelemetryWriter } from '../../../schemas/encode-into.ts';
import { telemetryEventFactory } from '../../schemas/fixtures.ts';
import { libAggregate } from './aws-kinesis-agg.ts';

const MiB = 1024 * 1024;

// Sizes either side of the one-byte length (under 124 bytes the framing guess holds, above it
// the data moves), and past the first 4 KiB of the record area (it grows). Large ones are
// constants, so a failure shrinks quickly.
const sized = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(Buffer.alloc(5000, 5), Buffer.alloc(9000, 9)),
);
// Hash keys as ingest sends them: decimal, above 2^32 (aws-kinesis-agg orders array-index-like
// keys such as "1" first, out of insertion order, which the comparison would trip on).
const userRecord = fc.record(
  {
    partitionKey: fc.constantFrom('a', 'sensor-1', 'sensor-22', 'k'.repeat(200)),
    data: sized,
    explicitHashKey: fc.constantFrom(
      '85070591730234615865843651857942052864',
      '340282366920938463463374607431768211455',
    ),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

describe('KplAggregator, records written in place', () => {
  it('writes the bytes aws-kinesis-agg writes, for records of any size', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 12 }), (records) => {
        // arrange / act
        const agg = new KplAggregator({ maxRecordBytes: MiB });
        for (const r of records) {
          expect(agg.tryAdd(r.partitionKey, r.data, r.explicitHashKey)).toBe(true);
        }
        const predicted = agg.sizeBytes;
        const ours = agg.build();
        // assert
        expect(ours.data.equals(libAggregate(records).data)).toBe(true);
        expect(ours.bytes).toBe(predicted);
      }),
      { numRuns: 150 },
    );
  });

  it('leaves itself as it was when it refuses a record', () => {
    fc.assert(
      fc.property(
        fc.array(userRecord, { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 200, max: 60_000 }),
        (records, cap) => {
          // arrange: add until the first refusal, then offer records that fit
          const agg = new KplAggregator({ maxRecordBytes: cap });
          const taken: typeof records = [];
          let refused = false;
          for (const r of records) {
            const added = agg.tryAdd(r.partitionKey, r.data, r.explicitHashKey);
            if (added) taken.push(r);
            else refused = true;
            expect(agg.count).toBe(taken.length);
          }
          // assert: what was built holds exactly the records taken, byte for byte
          if (taken.length === 0) return;
          const built = agg.build();
          expect(built.data.equals(libAggregate(taken).data)).toBe(true);
          expect(built.bytes).toBeLessThanOrEqual(cap);
          if (!refused) expect(taken).toHaveLength(records.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses even an empty record once full, and stays as it was', () => {
    // arrange: records that fill the cap and the record area exactly (found by the property
    // above), so the next record's framing starts past the area's end
    const E = '85070591730234615865843651857942052864';
    const full = [
      { partitionKey: 'a', data: new Uint8Array(0), explicitHashKey: E },
      { partitionKey: 'a', data: Buffer.alloc(9000, 9) },
      { partitionKey: 'a', data: Buffer.alloc(9000, 9) },
    ];
    const probe = new KplAggregator({ maxRecordBytes: MiB });
    for (const r of full) probe.tryAdd(r.partitionKey, r.data, r.explicitHashKey);
    const agg = new KplAggregator({ maxRecordBytes: probe.sizeBytes });
    for (const r of full) expect(agg.tryAdd(r.partitionKey, r.data, r.explicitHashKey)).toBe(true);
    // act / assert
    expect(agg.tryAdd('a', new Uint8Array(0))).toBe(false);
    expect(agg.sizeBytes).toBe(probe.sizeBytes);
    expect(agg.build().data.equals(libAggregate(full).data)).toBe(true);
  });

  it('encodes an event in place to the same record as adding its encoded bytes', () => {
    // arrange
    const events = Array.from({ length: 300 }, (_, i) =>
      telemetryEventFactory({
        eventId: `e-${i}-${'x'.repeat(i % 140)}`,
        source: `s${i % 7}`,
        ...(i % 3 === 0 ? { attributes: { zone: `z${i}` } } : {}),
      }),
    );
    const inPlace = new KplAggregator({ maxRecordBytes: MiB });
    const copied = new KplAggregator({ maxRecordBytes: MiB });
    const writer = uncheckedTelemetryWriter();
    // act
    for (const e of events) {
      expect(inPlace.tryAddWith(e.source, writer, e)).toBe(true);
      expect(copied.tryAdd(e.source, encodeTelemetryEvent(e))).toBe(true);
    }
    // assert
    expect(inPlace.firstData().equals(encodeTelemetryEvent(events[0]!))).toBe(true);
    expect(inPlace.build().data.equals(copied.build().data)).toBe(true);
  });

  it('gives the lone first record as a copy that outlives the next build', () => {
    const agg = new KplAggregator({ maxRecordBytes: MiB });
    agg.tryAdd('a', Buffer.from('first'));
    const first = agg.firstData();
    agg.clear();
    agg.tryAdd('a', Buffer.from('other'));
    agg.build();
    expect(first.toString()).toBe('first');
    expect(() => agg.firstData()).toThrow(RangeError);
  });
});
