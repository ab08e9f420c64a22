/**
 * Per-caller rate limit in records per second: a token bucket per API key, refilled continuously.
 * It lives in the handler instance, so on AWS each concurrent Lambda instance has its own bucket;
 * API Gateway usage plans are the account-wide limit in front of it.
 */

/** Options of {@link RateLimiter}. */
export interface RateLimitOptions {
  /** Refill rate; 0 disables the limit. */
  readonly recordsPerSecond: number;
  /** Bucket size: the largest burst. */
  readonly burstRecords: number;
}

/** The verdict for one request. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMillis: number;
}

/** Token buckets keyed by caller. */
export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #buckets = new Map<number, Bucket>();

  constructor(options: RateLimitOptions) {
    this.#options = options;
  }

  /**
   * Takes `records` tokens from the caller's bucket if it holds them all. A request larger than
   * the whole bucket is allowed when the bucket is full, so a big but legitimate batch is never
   * refused forever; it leaves the bucket in debt, which later requests wait out.
   */
  take(caller: number, records: number, nowMillis: number): RateDecision {
    const { recordsPerSecond, burstRecords } = this.#options;
    if (recordsPerSecond <= 0) return { allowed: true };
    const capacity = Math.max(1, burstRecords);
    let bucket = this.#buckets.get(caller);
    if (bucket === undefined) {
      bucket = { tokens: capacity, updatedMillis: nowMillis };
      this.#buckets.set(caller, bucket);
    }
    const elapsed = Math.max(0, nowMillis - bucket.updatedMillis);
    bucket.tokens = Math.min(capacity, bucket.tokens + (elapsed * recordsPerSecond) / 1000);
    bucket.updatedMillis = nowMillis;
    if (bucket.tokens >= records || bucket.tokens >= capacity) {
      bucket.tokens -= records;
      return { allowed: true };
    }
    const missing = Math.min(records, capacity) - bucket.tokens;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(missing / recordsPerSecond)),
    };
  }
}
