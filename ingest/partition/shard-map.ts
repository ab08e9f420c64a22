/**
 * Which open shard a partition key lands on: Kinesis hashes the key with MD5 into a 128-bit
 * integer and picks the open shard whose `[StartingHashKey, EndingHashKey]` holds it. Knowing
 * that lets ingest group user records by destination shard before aggregating them, so an
 * aggregated record (sent with an explicit hash key) only holds records of its own shard.
 */

import { hash } from 'node:crypto';

/** The part of a ListShards shard this module reads. */
export interface ShardDescription {
  readonly ShardId?: string | undefined;
  readonly HashKeyRange?:
    | { readonly StartingHashKey?: string | undefined; readonly EndingHashKey?: string | undefined }
    | undefined;
  readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: string | undefined } | undefined;
}

/** An open shard's hash-key range. */
export interface ShardRange {
  readonly shardId: string;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/** The 128-bit hash Kinesis routes a partition key by. */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${hash('md5', partitionKey, 'hex')}`);
}

/** The open shards of a stream, sorted by hash range. */
export class ShardMap {
  readonly shards: readonly ShardRange[];

  private constructor(shards: ShardRange[]) {
    this.shards = shards;
  }

  /**
   * Builds the map from ListShards output. Closed shards (with an ending sequence number, the
   * parents of a split or merge) take no writes and are left out.
   */
  static fromShards(shards: readonly ShardDescription[]): ShardMap {
    const open: ShardRange[] = [];
    for (const s of shards) {
      if (s.SequenceNumberRange?.EndingSequenceNumber !== undefined) continue;
      const start = s.HashKeyRange?.StartingHashKey;
      const end = s.HashKeyRange?.EndingHashKey;
      if (s.ShardId === undefined || start === undefined || end === undefined) continue;
      open.push({ shardId: s.ShardId, startingHashKey: BigInt(start), endingHashKey: BigInt(end) });
    }
    open.sort((a, b) =>
      a.startingHashKey < b.startingHashKey ? -1 : a.startingHashKey > b.startingHashKey ? 1 : 0,
    );
    return new ShardMap(open);
  }

  /** Index in `shards` of the shard holding `hashKey`, or -1 when no open shard does. */
  indexOf(hashKey: bigint): number {
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const shard = this.shards[mid]!;
      if (hashKey < shard.startingHashKey) hi = mid - 1;
      else if (hashKey > shard.endingHashKey) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
}

/** Where one partition key goes. */
export interface Route {
  /** Index of the destination shard in the map, -1 when unknown (no map, or a gap). */
  readonly shardIndex: number;
  /** The key's hash as a decimal string: an explicit hash key inside the destination shard. */
  readonly hashKey: string;
  /** UTF-8 length of the partition key. */
  readonly partitionKeyBytes: number;
}

const MAX_CACHED_ROUTES = 100_000;

/**
 * Routes partition keys through a shard map, caching per key: a request holds few distinct
 * sources, and MD5 plus BigInt per record would cost more than the rest of the path.
 */
export class PartitionRouter {
  readonly map: ShardMap | undefined;
  #cache = new Map<string, Route>();

  constructor(map: ShardMap | undefined) {
    this.map = map;
  }

  route(partitionKey: string): Route {
    const cached = this.#cache.get(partitionKey);
    if (cached !== undefined) return cached;
    const h = partitionKeyHash(partitionKey);
    const route: Route = {
      shardIndex: this.map ? this.map.indexOf(h) : -1,
      hashKey: h.toString(),
      partitionKeyBytes: Buffer.byteLength(partitionKey, 'utf8'),
    };
    // Bounded: a stream of ever-new keys must not grow the heap without end.
    if (this.#cache.size >= MAX_CACHED_ROUTES) this.#cache.clear();
    this.#cache.set(partitionKey, route);
    return route;
  }
}
