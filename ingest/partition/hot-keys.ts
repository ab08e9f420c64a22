/**
 * Hot-key spreading. Kinesis gives each shard 1 MiB/s and 1,000 records/s; a source that sends
 * far more than its share would throttle its shard while others idle. Such a source's records
 * get sub-keys `source#0` .. `source#n-1` (chosen by a hash of `eventId`, so a retried event
 * keeps its sub-key and lands on the same shard), which spreads them over up to n shards.
 *
 * Downstream stays correct because aggregates are keyed by the event's `source` field, which is
 * unchanged, plus shard (and sub-key): each part has one ordered writer, and reads merge parts.
 */

/** Options of {@link HotKeyTracker}. */
export interface HotKeyOptions {
  /** Sub-keys per hot source; 1 disables spreading. */
  readonly subKeys: number;
  /** Hot within a request above this many times the fair share (records / distinct sources). */
  readonly requestShareFactor: number;
  /** ...and above this many records in the request. */
  readonly minRecordsPerRequest: number;
  /** Hot over the recent interval above this rate. */
  readonly recordsPerSecond: number;
  readonly intervalMillis: number;
  /** Most sources remembered per interval. */
  readonly maxTrackedSources: number;
}

/**
 * Remembers recent per-source counts in two fixed buckets (this interval and the last; the last
 * is weighted by how much of it still overlaps a sliding interval), and decides which sources of
 * a request to spread.
 */
export class HotKeyTracker {
  readonly #options: HotKeyOptions;
  #current = new Map<string, number>();
  #previous = new Map<string, number>();
  #bucketStart = Number.NEGATIVE_INFINITY;

  constructor(options: HotKeyOptions) {
    this.#options = options;
  }

  /**
   * Records a request's per-source counts and returns the sources to spread.
   * @param counts records per source in this request
   */
  observe(counts: ReadonlyMap<string, number>, nowMillis: number): ReadonlySet<string> {
    const o = this.#options;
    const hot = new Set<string>();
    if (o.subKeys <= 1) return hot;
    this.#rotate(nowMillis);
    let total = 0;
    for (const n of counts.values()) total += n;
    const fairShare = total / counts.size;
    const overlap = 1 - (nowMillis - this.#bucketStart) / o.intervalMillis;
    const threshold = (o.recordsPerSecond * o.intervalMillis) / 1000;
    for (const [source, n] of counts) {
      const known = this.#current.get(source);
      if (known !== undefined || this.#current.size < o.maxTrackedSources) {
        this.#current.set(source, (known ?? 0) + n);
      }
      const recent = (known ?? 0) + n + (this.#previous.get(source) ?? 0) * overlap;
      if (
        (n >= o.minRecordsPerRequest && n > o.requestShareFactor * fairShare) ||
        recent > threshold
      ) {
        hot.add(source);
      }
    }
    return hot;
  }

  #rotate(nowMillis: number): void {
    const elapsed = nowMillis - this.#bucketStart;
    if (elapsed < this.#options.intervalMillis) return;
    this.#previous = elapsed < 2 * this.#options.intervalMillis ? this.#current : new Map();
    this.#current = new Map();
    this.#bucketStart = nowMillis;
  }
}

/** FNV-1a of a string: cheap, stable across processes, good enough to spread ids evenly. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The partition key of one record: `source`, or `source#k` when the source is spread. */
export function subKeyOf(source: string, eventId: string, subKeys: number): string {
  return `${source}#${fnv1a(eventId) % subKeys}`;
}
