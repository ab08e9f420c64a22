/**
 * `decodeBatch` (spans, byte-keyed series, ids hashed from bytes) against a reference built
 * from the plain, slow paths: `deaggregate` into user-record objects, `decodeTelemetryEvent` of
 * each, `eventIdHash` of the decoded id. For random batches of aggregated and plain records,
 * ASCII and not, with bytes flipped here and there, both give the same events (fields, series,
 * shard, partition key, sub-sequence, hash) and the same poison reasons, in the same order.
 */

import type { KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KplAggregator } from '../../../ingest/kpl/aggregate.ts';
import { deaggregate } from '../../../ingest/kpl/deaggregate.ts';
import { eventIdHash } from '../../../processors/engine/event-id-hash.ts';
import { decodeBatch, shardIdOf } from '../../../processors/kinesis/decode-records.ts';
import { isValidEventTime } from '../../../processors/windows/window.ts';
import { decodeTelemetryEvent, encodeTelemetryEvent } from '../../../schemas/codec.ts';
import { SchemaDecodeError } from '../../../schemas/errors.ts';
import type { TelemetryEvent } from '../../../schemas/types.ts';
import { kinesisRecord, sequenceNumber } from '../support/kinesis-events.ts';

const name = fc.oneof(
  fc.constantFrom('sensor-1', 'sensor-2', 'cpu', 'mem', 'héllo', 'x'.repeat(70)),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const event: fc.Arbitrary<TelemetryEvent> = fc.record(
  {
    eventId: fc.oneof(fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 20 })),
    source: name,
    metric: name,
    value: fc.oneof(fc.double(), fc.integer()),
    timestamp: fc.oneof(
      fc.integer({ min: 0, max: 2 ** 41 }),
      fc.integer({ min: -(2 ** 52), max: 2 ** 53 - 2 }),
    ),
    attributes: fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })), {
      nil: null,
    }),
    unit: fc.option(fc.constantFrom('ms', 'bytes', 'µs'), { nil: null }),
  },
  { requiredKeys: ['eventId', 'source', 'metric', 'value', 'timestamp'] },
);
const record = fc.record({
  shard: fc.constantFrom('shardId-000000000000', 'shardId-000000000001'),
  aggregated: fc.boolean(),
  events: fc.array(fc.tuple(event, name), { minLength: 1, maxLength: 12 }),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 2 }),
});

interface Decoded {
  readonly eventId: string;
  readonly source: string;
  readonly metric: string;
  readonly value: number;
  readonly timestamp: number;
  readonly shardId: string;
  readonly partitionKey: string;
  readonly sub: number;
  readonly sequenceNumber: string;
  readonly idHash: number;
}

/** What the slow paths make of the batch: events and poison reasons, in order. */
function reference(records: readonly KinesisStreamRecord[]) {
  const events: Decoded[] = [];
  const poison: string[] = [];
  for (const r of records) {
    const data = Buffer.from(r.kinesis.data, 'base64');
    const result = deaggregate(data, r.kinesis.partitionKey);
    if (result.status === 'corrupt') {
      poison.push(result.reason);
      continue;
    }
    result.records.forEach((user, i) => {
      let e: TelemetryEvent;
      try {
        e = decodeTelemetryEvent(user.data);
      } catch (error) {
        poison.push(error instanceof SchemaDecodeError ? error.reason : 'undecodable');
        return;
      }
      if (!Number.isFinite(e.value)) poison.push('non-finite-value');
      else if (!isValidEventTime(e.timestamp)) poison.push('invalid-event-time');
      else {
        events.push({
          eventId: e.eventId,
          source: e.source,
          metric: e.metric,
          value: e.value,
          timestamp: e.timestamp,
          shardId: shardIdOf(r),
          partitionKey: user.partitionKey,
          sub: i,
          sequenceNumber: r.kinesis.sequenceNumber,
          idHash: eventIdHash(e.eventId),
        });
      }
    });
  }
  return { events, poison };
}

function decoded(records: readonly KinesisStreamRecord[]) {
  const { events: columns, poison } = decodeBatch(records);
  const events: Decoded[] = [];
  for (let i = 0; i < columns.length; i++) {
    const series = columns.seriesIds[i]!;
    const context = columns.contextOf(i);
    const e = columns.event(i);
    events.push({
      eventId: e.eventId,
      source: columns.series.sources[series]!,
      metric: columns.series.metrics[series]!,
      value: e.value,
      timestamp: e.timestamp,
      shardId: columns.series.shardIds[series]!,
      partitionKey: columns.partitionKey(i),
      sub: columns.subSequences[i]!,
      sequenceNumber: context.sequenceNumber,
      idHash: columns.idHashes[i]!,
    });
    expect(context.shardId).toBe(columns.series.shardIds[series]);
  }
  return { events, poison: poison.map((p) => p.reason), series: columns.series };
}

describe('decodeBatch', () => {
  it('decodes what the slow paths decode, and keys one series per distinct key', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), (shape) => {
        const records = shape.map((r, n) => {
          let data: Uint8Array;
          if (r.aggregated) {
            const agg = new KplAggregator({ maxRecordBytes: 1024 * 1024 });
            for (const [e, pk] of r.events) agg.tryAdd(pk, encodeTelemetryEvent(e));
            data = agg.build().data;
          } else data = encodeTelemetryEvent(r.events[0]![0]);
          const bytes = Buffer.from(data);
          for (const [at, byte] of r.flips) bytes[at % bytes.length] = byte;
          const pk = r.events[0]![1];
          return kinesisRecord(r.shard, sequenceNumber(n + 1), pk, bytes);
        });
        const actual = decoded(records);
        const expected = reference(records);
        expect(actual.events).toEqual(expected.events);
        expect(actual.poison).toEqual(expected.poison);
        const keys = new Set(
          expected.events.map((e) =>
            JSON.stringify([e.shardId, e.partitionKey, e.source, e.metric]),
          ),
        );
        expect(actual.series.size).toBe(keys.size);
      }),
      { numRuns: 400 },
    );
  });
});
