/**
 * The stream's shard map, read with ListShards and kept for a while: refreshed after a TTL, or
 * at once when a put shows the map is stale (Kinesis put an entry on another shard than planned,
 * which happens after a reshard). While no map is known, ingest still works: records are grouped
 * by partition key instead of by shard.
 */

import { type KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { ShardMap } from '../partition/shard-map.ts';

/** Every shard of the stream, following ListShards pages. */
export async function listShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    // With a NextToken, ListShards refuses a StreamName: the token names the stream.
    const page = await client.send(
      new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards;
}

/** Options of {@link ShardMapCache}. */
export interface ShardMapCacheOptions {
  readonly ttlMillis: number;
  readonly now: () => number;
  /** After a failed ListShards, wait this long before trying again. @default 5_000 */
  readonly retryAfterFailureMillis?: number;
}

/** One shard map per handler instance, with at most one ListShards in flight. */
export class ShardMapCache {
  readonly #load: () => Promise<readonly Shard[]>;
  readonly #options: ShardMapCacheOptions;
  #map: ShardMap | undefined;
  #validUntil = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<ShardMap | undefined> | undefined;

  constructor(load: () => Promise<readonly Shard[]>, options: ShardMapCacheOptions) {
    this.#load = load;
    this.#options = options;
  }

  /** The current map, loading it first when it is missing or expired. */
  async get(): Promise<ShardMap | undefined> {
    if (this.#options.now() < this.#validUntil) return this.#map;
    this.#inFlight ??= this.#refresh().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Marks the map stale; the next {@link get} reloads it. */
  invalidate(): void {
    this.#validUntil = Number.NEGATIVE_INFINITY;
  }

  async #refresh(): Promise<ShardMap | undefined> {
    try {
      const map = ShardMap.fromShards(await this.#load());
      this.#map = map.shards.length > 0 ? map : undefined;
      this.#validUntil = this.#options.now() + this.#options.ttlMillis;
    } catch (error) {
      console.warn(
        JSON.stringify({
          level: 'warn',
          message: 'ListShards failed; keeping the last shard map',
          error: (error as Error)?.name,
        }),
      );
      // Keep the last map (a stale map only costs a worse grouping, never a lost record) and
      // do not hammer ListShards from every request while it fails.
      this.#validUntil = this.#options.now() + (this.#options.retryAfterFailureMillis ?? 5_000);
    }
    return this.#map;
  }
}
