/**
 * From validated user records to Kinesis entries: choose each record's partition key (spreading
 * hot sources), find its shard, and pack the records of each shard into KPL aggregated records
 * sent with an explicit hash key inside that shard. Records are encoded here, by the writer the
 * caller passes, straight into the aggregated record being built (or into an arena when sent
 * plain): once, with no intermediate Buffer. Pure: no SDK, no clock.
 */

import { KINESIS } from '../infra/limits.ts';
import { EncodeArena } from './encode-arena.ts';
import { KplAggregator } from './kpl/aggregate.ts';
import { subKeyOf } from './partition/hot-keys.ts';
import type { PartitionRouter } from './partition/shard-map.ts';
import type { RecordWriter } from './record-writer.ts';

/** A validated user record, not yet encoded. */
export interface PlanRecord<T> {
  /** Position in the request. */
  readonly index: number;
  readonly source: string;
  readonly eventId: string;
  /** What `writer` encodes (a validated event; or bytes, with `BYTES_WRITER`). */
  readonly value: T;
}

/** One Kinesis PutRecords entry and the request positions it carries. */
export interface PutEntry {
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Uint8Array;
  /** Data plus partition key, what Kinesis counts against its limits. */
  readonly bytes: number;
  /** Request indexes of the user records inside. */
  readonly indexes: readonly number[];
  /** Shard the entry is meant for, when the shard map is known. */
  readonly shardId: string | undefined;
}

/** Options of {@link planPutEntries}. */
export interface PlanOptions<T> {
  /** Encodes a record's value; called once per record (twice when an aggregated record fills). */
  readonly writer: RecordWriter<T>;
  readonly aggregation: boolean;
  readonly maxAggregatedRecordBytes: number;
  readonly subKeys: number;
  /** Sources to spread over sub-keys. */
  readonly hotSources: ReadonlySet<string>;
  readonly router: PartitionRouter;
}

/** Entries to write, and records refused for their size. */
export interface Plan {
  readonly entries: PutEntry[];
  readonly rejected: { readonly index: number; readonly reason: string }[];
}

interface Group {
  readonly aggregator: KplAggregator;
  indexes: number[];
  hashKey: string;
  /** The first record's partition key and shard, for sending it plain when it stays alone. */
  firstPartitionKey: string;
  firstPartitionKeyBytes: number;
  firstShardId: string | undefined;
}

/**
 * Plans the entries for a request's records.
 *
 * @example
 * ```ts
 * const plan = planPutEntries(records, { writer: uncheckedTelemetryWriter(), aggregation: true, maxAggregatedRecordBytes: 65536, subKeys: 4, hotSources: new Set(), router });
 * ```
 */
export function planPutEntries<T>(
  records: readonly PlanRecord<T>[],
  options: PlanOptions<T>,
): Plan {
  const { router, hotSources, subKeys, writer } = options;
  const entries: PutEntry[] = [];
  const rejected: Plan['rejected'] = [];
  const groups = new Map<number | string, Group>();
  const shards = router.map?.shards;
  let arena: EncodeArena<T> | undefined;

  const seal = (group: Group) => {
    const aggregator = group.aggregator;
    if (aggregator.count === 1) {
      // One record gains nothing from the framing; send it plain, as the KPL does.
      const data = aggregator.firstData();
      aggregator.clear();
      entries.push({
        partitionKey: group.firstPartitionKey,
        explicitHashKey: undefined,
        data,
        bytes: data.length + group.firstPartitionKeyBytes,
        indexes: group.indexes,
        shardId: group.firstShardId,
      });
      group.indexes = [];
      return;
    }
    const built = aggregator.build(group.hashKey);
    const route = router.route(built.partitionKey);
    entries.push({
      partitionKey: built.partitionKey,
      explicitHashKey: built.explicitHashKey,
      data: built.data,
      bytes: built.bytes,
      indexes: group.indexes,
      shardId: route.shardIndex >= 0 ? shards?.[route.shardIndex]?.shardId : undefined,
    });
    group.indexes = [];
  };

  for (const record of records) {
    const partitionKey = hotSources.has(record.source)
      ? subKeyOf(record.source, record.eventId, subKeys)
      : record.source;
    const route = router.route(partitionKey);
    const shardId = route.shardIndex >= 0 ? shards?.[route.shardIndex]?.shardId : undefined;
    if (options.aggregation) {
      // Without a shard map, records of one partition key still share a shard: group by key.
      const groupKey = route.shardIndex >= 0 ? route.shardIndex : partitionKey;
      let group = groups.get(groupKey);
      if (group === undefined) {
        group = {
          aggregator: new KplAggregator({ maxRecordBytes: options.maxAggregatedRecordBytes }),
          indexes: [],
          hashKey: route.hashKey,
          firstPartitionKey: partitionKey,
          firstPartitionKeyBytes: route.partitionKeyBytes,
          firstShardId: shardId,
        };
        groups.set(groupKey, group);
      }
      const pkBytes = route.partitionKeyBytes;
      let added = group.aggregator.tryAddWith(
        partitionKey,
        writer,
        record.value,
        undefined,
        pkBytes,
      );
      if (!added && group.aggregator.count > 0) {
        seal(group);
        added = group.aggregator.tryAddWith(partitionKey, writer, record.value, undefined, pkBytes);
      }
      if (added) {
        if (group.indexes.length === 0) {
          group.hashKey = route.hashKey;
          group.firstPartitionKey = partitionKey;
          group.firstPartitionKeyBytes = pkBytes;
          group.firstShardId = shardId;
        }
        group.indexes.push(record.index);
        continue;
      }
      // Too large to aggregate even alone: a plain record (the processor reads both).
    }
    arena ??= new EncodeArena({
      writer,
      expectedRecords: options.aggregation ? 1 : records.length,
    });
    const data = arena.encode(record.value);
    const bytes = data.length + route.partitionKeyBytes;
    if (bytes > KINESIS.maxRecordBytes) {
      rejected.push({
        index: record.index,
        reason: `record is ${bytes} bytes with its partition key, over the Kinesis limit of ${KINESIS.maxRecordBytes}`,
      });
      continue;
    }
    entries.push({
      partitionKey,
      explicitHashKey: undefined,
      data,
      bytes,
      indexes: [record.index],
      shardId,
    });
  }
  for (const group of groups.values()) if (group.aggregator.count > 0) seal(group);
  return { entries, rejected };
}
