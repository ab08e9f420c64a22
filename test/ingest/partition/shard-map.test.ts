import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { partitionKeyHash, ShardMap } from '../../../ingest/partition/shard-map.ts';

const shard = (id: string, start: bigint, end: bigint, closed = false) => ({
  ShardId: id,
  HashKeyRange: { StartingHashKey: start.toString(), EndingHashKey: end.toString() },
  SequenceNumberRange: closed ? { EndingSequenceNumber: '1' } : {},
});
const MAX = 2n ** 128n - 1n;

describe('ShardMap', () => {
  it('finds the shard holding a hash at both ends of each range', () => {
    const map = ShardMap.fromShards([shard('b', 100n, MAX), shard('a', 0n, 99n)]);
    expect(map.shards.map((s) => s.shardId)).toEqual(['a', 'b']);
    expect(map.indexOf(0n)).toBe(0);
    expect(map.indexOf(99n)).toBe(0);
    expect(map.indexOf(100n)).toBe(1);
    expect(map.indexOf(MAX)).toBe(1);
  });

  it('leaves closed parent shards out', () => {
    const map = ShardMap.fromShards([
      shard('parent', 0n, MAX, true),
      shard('left', 0n, 10n),
      shard('right', 11n, MAX),
    ]);
    expect(map.shards.map((s) => s.shardId)).toEqual(['left', 'right']);
  });

  it('reports a hash in a gap as no shard', () => {
    expect(ShardMap.fromShards([shard('a', 10n, 20n)]).indexOf(5n)).toBe(-1);
  });
});

describe('partitionKeyHash', () => {
  it('is the MD5 of the key read as a 128-bit unsigned integer, as Kinesis routes it', () => {
    const hex = createHash('md5').update('sensor-1').digest('hex');
    expect(partitionKeyHash('sensor-1')).toBe(BigInt(`0x${hex}`));
  });
});
