/**
 * Keys of the single-table design (table `TABLES.aggregates`, string `pk` and `sk`).
 *
 * | item | pk | sk |
 * |---|---|---|
 * | window part | `W#<source>#<metric>#<sizeMillis>` | `<start>#P#<shardId>#<partitionKey>` |
 * | closed window | `W#<source>#<metric>#<sizeMillis>` | `<start>#W` |
 * | shard state | `SHARDS` | `<shardId>` |
 *
 * `<start>` is a fixed-width sortable form of the window start ({@link windowStartKey}), so one
 * Query on `pk` with `sk BETWEEN` returns a time range, parts and closed marker of one window
 * next to each other. `#` and `%` inside names are percent-escaped so no name can forge a key.
 */

import { createHash } from 'node:crypto';

/** Partition key of the shard-state items. */
export const SHARDS_PK = 'SHARDS';

/** Longest key component kept verbatim; longer ones are replaced by their SHA-256 (DynamoDB caps pk at 2,048 and sk at 1,024 bytes). */
const MAX_COMPONENT_BYTES = 200;

/** A name as a key component: `#` and `%` escaped; hashed when too long. */
export function keyComponent(name: string): string {
  const escaped = name.replaceAll('%', '%25').replaceAll('#', '%23');
  if (Buffer.byteLength(escaped, 'utf8') <= MAX_COMPONENT_BYTES) return escaped;
  return `%h${createHash('sha256').update(name, 'utf8').digest('hex')}`;
}

const NEGATIVE_OFFSET = 10n ** 16n;

/**
 * A window start as 17 sortable characters: `p` + 16 digits for t >= 0, `n` + 16 digits of
 * 10^16 + t for t < 0 (`n` < `p`, and larger negatives give larger digits). Every valid event
 * time (|t| <= 8.64e15) fits; BigInt because 10^16 + t is above 2^53.
 */
export function windowStartKey(start: number): string {
  if (start >= 0) return `p${String(start).padStart(16, '0')}`;
  return `n${(NEGATIVE_OFFSET + BigInt(start)).toString().padStart(16, '0')}`;
}

/** The partition key of every item of one (source, metric, window size). */
export function seriesPk(source: string, metric: string, windowSizeMillis: number): string {
  return `W#${keyComponent(source)}#${keyComponent(metric)}#${windowSizeMillis}`;
}

/** Sort key of the part a shard and partition key write of one window. */
export function partSk(windowStart: number, shardId: string, partitionKey: string): string {
  return `${windowStartKey(windowStart)}#P#${keyComponent(shardId)}#${keyComponent(partitionKey)}`;
}

/** Sort key of the closed-window marker of one window. */
export function closedWindowSk(windowStart: number): string {
  return `${windowStartKey(windowStart)}#W`;
}

/** Bounds of `sk BETWEEN` for windows whose start is in `[fromMillis, toMillis)`. */
export function windowRangeSk(fromMillis: number, toMillis: number): { low: string; high: string } {
  // '~' sorts after every character a key component can hold after the start's '#'.
  return { low: `${windowStartKey(fromMillis)}#`, high: `${windowStartKey(toMillis - 1)}#~` };
}

/** Prefix shared by every item of one window (parts and marker). */
export function windowSkPrefix(windowStart: number): string {
  return `${windowStartKey(windowStart)}#`;
}
