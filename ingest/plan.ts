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
import type { PartitionRouter, Route } from './partition/shard-map.ts';
import type { RecordWriter } from './record-writer.ts';

/** What to plan: validated records, not yet encoded, and their positions in the request. */
export interface PlanInput<T> {
  /** The records: validated events, or anything the format writes. */
  readonly values: readonly T[];
  /** `indexes[i]` is the request position of `values[i]`. */
  readonly indexes: readonly number[];
}

/**
 * How the planner reads and writes one kind of record. Parallel arrays and accessors rather
 * than an object per record: a request holds up to 50,000 records, and every object alive while
 * it is planned is copied by each young-generation GC that runs meanwhile.
 */
export interface RecordFormat<T> extends RecordWriter<T> {
  /** The record's source: its partition key, unless the source is hot. */
  sourceOf(value: T): string;
  /** What picks a hot source's sub-key, the same on every retry of the record. */
  eventIdOf(value: T): string;
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
  /** Reads a record's keys and encodes it: once per record (twice when an aggregated one fills). */
  readonly format: RecordFormat<T>;
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

/** Where one partition key's records go, looked up once per key and request. */
interface Slot {
  readonly route: Route;
  readonly shardId: string | undefined;
  /** The aggregation group of the key's shard (or of the key, without a shard map). */
  group: Group | undefined;
}

interface Group {
  readonly aggregator: KplAggregator;
  /**
   * Request positions of the records held, `held` of them. Sized like the last entry of the
   * group and trimmed when sealed: growing by push would make about twice the garbage.
   */
  indexes: number[];
  held: number;
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
 * const plan = planPutEntries({ values: events, indexes }, { format: TELEMETRY_FORMAT, aggregation: true, maxAggregatedRecordBytes: 65536, subKeys: 4, hotSources: new Set(), router });
 * ```
 */
export function planPutEntries<T>(input: PlanInput<T>, options: PlanOptions<T>): Plan {
  const { router, hotSources, subKeys, format } = options;
  const { values, indexes: positions } = input;
  const entries: PutEntry[] = [];
  const rejected: Plan['rejected'] = [];
  const groups = new Map<number | string, Group>();
  // One lookup per record instead of three (route, shard, group): a request has few keys.
  const slots = new Map<string, Slot>();
  const shards = router.map?.shards;
  let arena: EncodeArena<T> | undefined;

  const seal = (group: Group, last: boolean) => {
    const aggregator = group.aggregator;
    const indexes = group.indexes;
    indexes.length = group.held;
    group.indexes = last ? [] : new Array(group.held);
    group.held = 0;
    if (aggregator.count === 1) {
      // One record gains nothing from the framing; send it plain, as the KPL does.
      const data = aggregator.firstData();
      aggregator.clear();
      entries.push({
        partitionKey: group.firstPartitionKey,
        explicitHashKey: undefined,
        data,
        bytes: data.length + group.firstPartitionKeyBytes,
        indexes,
        shardId: group.firstShardId,
      });
      return;
    }
    const built = aggregator.build(group.hashKey);
    const route = router.route(built.partitionKey);
    entries.push({
      partitionKey: built.partitionKey,
      explicitHashKey: built.explicitHashKey,
      data: built.data,
      bytes: built.bytes,
      indexes,
      shardId: route.shardIndex >= 0 ? shards?.[route.shardIndex]?.shardId : undefined,
    });
  };

  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const index = positions[i]!;
    const source = format.sourceOf(value);
    const partitionKey = hotSources.has(source)
      ? subKeyOf(source, format.eventIdOf(value), subKeys)
      : source;
    let slot = slots.get(partitionKey);
    if (slot === undefined) {
      const r = router.route(partitionKey);
      slot = {
        route: r,
        shardId: r.shardIndex >= 0 ? shards?.[r.shardIndex]?.shardId : undefined,
        group: undefined,
      };
      slots.set(partitionKey, slot);
    }
    const { route, shardId } = slot;
    if (options.aggregation) {
      let group = slot.group;
      if (group === undefined) {
        // Without a shard map, records of one partition key still share a shard: group by key.
        const groupKey = route.shardIndex >= 0 ? route.shardIndex : partitionKey;
        group = groups.get(groupKey);
        if (group === undefined) {
          group = {
            aggregator: new KplAggregator({ maxRecordBytes: options.maxAggregatedRecordBytes }),
            indexes: [],
            held: 0,
            hashKey: route.hashKey,
            firstPartitionKey: partitionKey,
            firstPartitionKeyBytes: route.partitionKeyBytes,
            firstShardId: shardId,
          };
          groups.set(groupKey, group);
        }
        slot.group = group;
      }
      const pkBytes = route.partitionKeyBytes;
      const aggregator = group.aggregator;
      let added = aggregator.tryAddWith(partitionKey, format, value, undefined, pkBytes);
      if (!added && aggregator.count > 0) {
        seal(group, false);
        added = aggregator.tryAddWith(partitionKey, format, value, undefined, pkBytes);
      }
      if (added) {
        if (group.held === 0) {
          group.hashKey = route.hashKey;
          group.firstPartitionKey = partitionKey;
          group.firstPartitionKeyBytes = pkBytes;
          group.firstShardId = shardId;
        }
        group.indexes[group.held++] = index;
        continue;
      }
      // Too large to aggregate even alone: a plain record (the processor reads both).
    }
    arena ??= new EncodeArena({
      writer: format,
      expectedRecords: options.aggregation ? 1 : values.length,
    });
    const data = arena.encode(value);
    const bytes = data.length + route.partitionKeyBytes;
    if (bytes > KINESIS.maxRecordBytes) {
      rejected.push({
        index,
        reason: `record is ${bytes} bytes with its partition key, over the Kinesis limit of ${KINESIS.maxRecordBytes}`,
      });
      continue;
    }
    entries.push({
      partitionKey,
      explicitHashKey: undefined,
      data,
      bytes,
      indexes: [index],
      shardId,
    });
  }
  for (const group of groups.values()) if (group.aggregator.count > 0) seal(group, true);
  return { entries, rejected };
}
