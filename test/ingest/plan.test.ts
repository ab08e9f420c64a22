import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../infra/limits.ts';
import { deaggregate } from '../../ingest/kpl/deaggregate.ts';
import { PartitionRouter, partitionKeyHash, ShardMap } from '../../ingest/partition/shard-map.ts';
import { type PlanInput, planPutEntries, type RecordFormat } from '../../ingest/plan.ts';
import { BYTES_WRITER } from '../../ingest/record-writer.ts';

const space = 2n ** 128n;
const fourShards = ShardMap.fromShards(
  [0, 1, 2, 3].map((i) => ({
    ShardId: `shard-${i}`,
    HashKeyRange: {
      StartingHashKey: String((space * BigInt(i)) / 4n),
      EndingHashKey: String((space * BigInt(i + 1)) / 4n - 1n),
    },
    SequenceNumberRange: {},
  })),
);

interface TestRecord {
  readonly index: number;
  readonly source: string;
  readonly eventId: string;
  readonly data: Buffer;
}
const record = (index: number, source: string, size = 60): TestRecord => ({
  index,
  source,
  eventId: `e${index}`,
  data: Buffer.alloc(size, index & 0xff),
});
/** Records of already-encoded bytes, `size` each. */
const format: RecordFormat<TestRecord> = {
  writeInto: (r, buf, offset) => BYTES_WRITER.writeInto(r.data, buf, offset),
  sourceOf: (r) => r.source,
  eventIdOf: (r) => r.eventId,
};
const input = (records: readonly TestRecord[]): PlanInput<TestRecord> => ({
  values: records,
  indexes: records.map((r) => r.index),
});

const base = {
  format,
  aggregation: true,
  maxAggregatedRecordBytes: 64 * 1024,
  subKeys: 4,
  hotSources: new Set<string>(),
};

describe('planPutEntries', () => {
  it('packs each shard’s records into aggregated records sent with a hash key inside that shard', () => {
    // arrange
    const router = new PartitionRouter(fourShards);
    const records = Array.from({ length: 400 }, (_, i) => record(i, `sensor-${i % 20}`));
    // act
    const { entries } = planPutEntries(input(records), { ...base, router });
    // assert
    expect(entries.flatMap((e) => e.indexes).sort((a, b) => a - b)).toEqual(
      records.map((r) => r.index),
    );
    for (const entry of entries) {
      const shard = fourShards.indexOf(BigInt(entry.explicitHashKey!));
      expect(fourShards.shards[shard]?.shardId).toBe(entry.shardId);
      const result = deaggregate(entry.data);
      expect(result.status).toBe('ok');
      if (result.status !== 'ok') continue;
      for (const user of result.records) {
        expect(fourShards.indexOf(partitionKeyHash(user.partitionKey))).toBe(shard);
      }
    }
    expect(entries.length).toBeLessThanOrEqual(4);
  });

  it('spreads a hot source over sub-keys, the same event always on the same sub-key', () => {
    const router = new PartitionRouter(fourShards);
    const records = Array.from({ length: 200 }, (_, i) => record(i, 'hot'));
    const plan = () =>
      planPutEntries(input(records), {
        ...base,
        aggregation: false,
        hotSources: new Set(['hot']),
        router,
      });
    const keys = plan().entries.map((e) => e.partitionKey);
    expect(new Set(keys)).toEqual(new Set(['hot#0', 'hot#1', 'hot#2', 'hot#3']));
    expect(plan().entries.map((e) => e.partitionKey)).toEqual(keys);
  });

  it('accepts a record of exactly 1 MiB with its partition key and rejects one byte more', () => {
    const router = new PartitionRouter(fourShards);
    const pk = 'sensor-1';
    const exact = record(0, pk, KINESIS.maxRecordBytes - pk.length);
    const over = record(1, pk, KINESIS.maxRecordBytes - pk.length + 1);
    const { entries, rejected } = planPutEntries(input([exact, over]), { ...base, router });
    expect(entries.map((e) => [e.indexes, e.bytes, e.explicitHashKey])).toEqual([
      [[0], KINESIS.maxRecordBytes, undefined],
    ]);
    expect(rejected).toEqual([
      { index: 1, reason: expect.stringMatching(/1048577 bytes .* limit of 1048576/) },
    ]);
  });

  it('sends a record too large to aggregate as a plain record', () => {
    const router = new PartitionRouter(fourShards);
    const { entries } = planPutEntries(
      input([record(0, 's'), record(1, 's', 2000), record(2, 's')]),
      {
        ...base,
        maxAggregatedRecordBytes: 1024,
        router,
      },
    );
    const plain = entries.find((e) => e.indexes.includes(1))!;
    expect(plain.data.length).toBe(2000);
    expect(deaggregate(plain.data, plain.partitionKey)).toMatchObject({
      status: 'ok',
      aggregated: false,
    });
    expect(entries.flatMap((e) => e.indexes).sort()).toEqual([0, 1, 2]);
  });

  it('keeps every aggregated record within the cap, data plus partition key', () => {
    const router = new PartitionRouter(fourShards);
    const cap = 4096;
    const records = Array.from({ length: 1000 }, (_, i) => record(i, `s${i % 3}`, 50 + (i % 90)));
    const { entries } = planPutEntries(input(records), {
      ...base,
      maxAggregatedRecordBytes: cap,
      router,
    });
    for (const e of entries) {
      expect(e.bytes).toBe(e.data.length + Buffer.byteLength(e.partitionKey));
      expect(e.bytes).toBeLessThanOrEqual(cap);
    }
    expect(entries.flatMap((e) => e.indexes)).toHaveLength(1000);
  });

  it('sends a lone record plain, without the aggregation framing', () => {
    const router = new PartitionRouter(fourShards);
    const { entries } = planPutEntries(input([record(0, 'only')]), { ...base, router });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.data).toEqual(record(0, 'only').data);
  });

  it('groups by partition key when no shard map is known', () => {
    const router = new PartitionRouter(undefined);
    const records = Array.from({ length: 30 }, (_, i) => record(i, `s${i % 3}`));
    const { entries } = planPutEntries(input(records), { ...base, router });
    expect(entries).toHaveLength(3);
    for (const e of entries) {
      const result = deaggregate(e.data);
      expect(
        result.status === 'ok' && new Set(result.records.map((r) => r.partitionKey)).size,
      ).toBe(1);
      expect(e.explicitHashKey).toBe(partitionKeyHash(e.partitionKey).toString());
    }
  });
});
