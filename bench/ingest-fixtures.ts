/**
 * Shared fixtures of the ingest benchmarks: 150-byte telemetry records (as producers send them),
 * request bodies, and a 4-shard map laid out the way CreateStream splits the hash space.
 */

import { ShardMap } from '../ingest/partition/shard-map.ts';
import type { TelemetryEvent } from '../schemas/types.ts';

/** A varied ~150-byte (as JSON) telemetry record. */
export function benchEvent(i: number): TelemetryEvent {
  return {
    eventId: `evt-${i.toString(16).padStart(8, '0')}-${(i * 7919) % 100_000}`,
    source: `sensor-${i % 64}`,
    metric: ['cpu.utilization', 'mem.used.bytes', 'disk.io.wait', 'net.rx.bytes'][i % 4]!,
    value: Math.round(Math.abs(Math.sin(i)) * 1e6) / 1e3,
    timestamp: 1_735_689_600_000 + i * 37,
    attributes: { region: i % 3 === 0 ? 'eu-west-1' : 'us-east-2' },
  };
}

/** `count` JSON bodies of `recordsPerBody` records each. */
export function jsonBodies(count: number, recordsPerBody: number): string[] {
  return Array.from({ length: count }, (_, b) =>
    JSON.stringify(
      Array.from({ length: recordsPerBody }, (_, i) => benchEvent(b * recordsPerBody + i)),
    ),
  );
}

/** An open-shard map of `shards` equal ranges, as CreateStream makes it. */
export function evenShardMap(shards: number): ShardMap {
  const space = 2n ** 128n;
  return ShardMap.fromShards(
    Array.from({ length: shards }, (_, i) => ({
      ShardId: `shardId-${String(i).padStart(12, '0')}`,
      HashKeyRange: {
        StartingHashKey: ((space * BigInt(i)) / BigInt(shards)).toString(),
        EndingHashKey: ((space * BigInt(i + 1)) / BigInt(shards) - 1n).toString(),
      },
      SequenceNumberRange: {},
    })),
  );
}

/** Median of a list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
