/**
 * From encoded user records to Kinesis entries: choose each record's partition key (spreading
 * hot sources), find its shard, and pack the records of each shard into KPL aggregated records
 * sent with an explicit hash key inside that shard. Pure: no SDK, no clock.
 */

import { KINESIS } from '../infra/limits.ts';
import { KplAggregator } from './kpl/aggregate.ts';
import { subKeyOf } from './partition/hot-keys.ts';
import type { PartitionRouter } from './partition/shard-map.ts';

/** A validated, encoded user record. */
export interface EncodedRecord {
  /** Position in the request. */
  readonly index: number;
  readonly source: string;
  readonly eventId: string;
  /** Avro single-object bytes. */
  readonly data: Buffer;
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
export interface PlanOptions {
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
  /** The first record as a plain entry, sent instead when it stays alone. */
  first: PutEntry | undefined;
}

/**
 * Plans the entries for a request's records.
 *
 * @example
 * ```ts
 * const plan = planPutEntries(encoded, { aggregation: true, maxAggregatedRecordBytes: 65536, subKeys: 4, hotSources: new Set(), router });
 * ```
 */
export function planPutEntries(records: readonly EncodedRecord[], options: PlanOptions): Plan {
  const { router, hotSources, subKeys } = options;
  const entries: PutEntry[] = [];
  const rejected: Plan['rejected'] = [];
  const groups = new Map<number | string, Group>();
  const shards = router.map?.shards;

  const seal = (group: Group) => {
    if (group.aggregator.count === 1 && group.first) {
      // One record gains nothing from the framing; send it plain, as the KPL does.
      group.aggregator.clear();
      entries.push(group.first);
      group.indexes = [];
      return;
    }
    const built = group.aggregator.build(group.hashKey);
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
    const bytes = record.data.length + route.partitionKeyBytes;
    if (bytes > KINESIS.maxRecordBytes) {
      rejected.push({
        index: record.index,
        reason: `record is ${bytes} bytes with its partition key, over the Kinesis limit of ${KINESIS.maxRecordBytes}`,
      });
      continue;
    }
    const shardId = route.shardIndex >= 0 ? shards?.[route.shardIndex]?.shardId : undefined;
    if (!options.aggregation) {
      entries.push(plainEntry(record, partitionKey, bytes, shardId));
      continue;
    }
    // Without a shard map, records of one partition key still share a shard: group by key.
    const groupKey = route.shardIndex >= 0 ? route.shardIndex : partitionKey;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = {
        aggregator: new KplAggregator({ maxRecordBytes: options.maxAggregatedRecordBytes }),
        indexes: [],
        hashKey: route.hashKey,
        first: undefined,
      };
      groups.set(groupKey, group);
    }
    if (group.aggregator.tryAdd(partitionKey, record.data, undefined, route.partitionKeyBytes)) {
      if (group.indexes.length === 0) {
        group.hashKey = route.hashKey;
        group.first = plainEntry(record, partitionKey, bytes, shardId);
      }
      group.indexes.push(record.index);
      continue;
    }
    if (group.aggregator.count > 0) {
      seal(group);
      if (group.aggregator.tryAdd(partitionKey, record.data, undefined, route.partitionKeyBytes)) {
        group.hashKey = route.hashKey;
        group.first = plainEntry(record, partitionKey, bytes, shardId);
        group.indexes.push(record.index);
        continue;
      }
    }
    // Too large to aggregate even alone: a plain record (the processor reads both).
    entries.push(plainEntry(record, partitionKey, bytes, shardId));
  }
  for (const group of groups.values()) if (group.aggregator.count > 0) seal(group);
  return { entries, rejected };
}

function plainEntry(
  record: EncodedRecord,
  partitionKey: string,
  bytes: number,
  shardId: string | undefined,
): PutEntry {
  return {
    partitionKey,
    explicitHashKey: undefined,
    data: record.data,
    bytes,
    indexes: [record.index],
    shardId,
  };
}
