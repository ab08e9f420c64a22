/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): sleep a uniform random time in [0, min(cap, base * 2^attempt)). Full jitter spreads
 * the retries of many throttled callers instead of having them retry in step.
 */

/** Options of {@link fullJitterDelayMillis}. */
export interface BackoffOptions {
  readonly baseMillis: number;
  readonly maxMillis: number;
}

/**
 * The delay before retry number `retry` (0 for the first retry).
 * @param random a value in [0, 1)
 */
export function fullJitterDelayMillis(
  retry: number,
  options: BackoffOptions,
  random: number,
): number {
  const ceiling = Math.min(options.maxMillis, options.baseMillis * 2 ** retry);
  return Math.floor(random * ceiling);
}

/** Resolves after `millis`. */
export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
