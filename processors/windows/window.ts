/**
 * Event-time windows as value objects `[start, end)` and their assignment as pure functions of
 * an event's timestamp (Flink's `TumblingEventTimeWindows` / `SlidingEventTimeWindows`).
 *
 * Timestamps are epoch milliseconds. Assignment floors towards negative infinity, so an event at
 * t = -1 belongs to `[-size, 0)`, not `[0, size)`. Valid event times are those a JavaScript
 * `Date` can hold (±8.64e15 ms, see {@link MAX_EVENT_TIME_MILLIS}); every window start and end
 * computed from them stays an exact integer (|t| + size is far below 2^53).
 */

/** One window of one size: `[start, end)`, `end - start = sizeMillis`. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** How events are assigned to windows of one size. */
export type WindowSpec =
  | { readonly kind: 'tumbling'; readonly sizeMillis: number }
  /** `size / slide` overlapping windows per event; `size` must be a multiple of `slide`. */
  | { readonly kind: 'hopping'; readonly sizeMillis: number; readonly slideMillis: number };

/** The largest |timestamp| a `Date` can represent (ECMAScript time values). */
export const MAX_EVENT_TIME_MILLIS = 8.64e15;

/** At most this many windows of one spec per event, so a config cannot make the hot path explode. */
export const MAX_WINDOWS_PER_EVENT = 100;

/** True when `t` is an integer event time a `Date` can hold. */
export function isValidEventTime(t: number): boolean {
  return Number.isInteger(t) && Math.abs(t) <= MAX_EVENT_TIME_MILLIS;
}

/** Start of the window of length `step` (aligned to the epoch) that holds `t`. */
export function alignedStart(t: number, step: number): number {
  // `t % step` is negative for negative t; adding step back floors instead of truncating.
  const remainder = t % step;
  return remainder < 0 ? t - remainder - step : t - remainder;
}

/** The one tumbling window of size `sizeMillis` that holds `t`. */
export function assignTumblingWindow(t: number, sizeMillis: number): Window {
  const start = alignedStart(t, sizeMillis);
  return { start, end: start + sizeMillis };
}

/**
 * Every hopping window that holds `t`, latest start first: starts are multiples of the slide in
 * `(t - size, t]`.
 */
export function assignHoppingWindows(t: number, sizeMillis: number, slideMillis: number): Window[] {
  const windows: Window[] = [];
  for (let start = alignedStart(t, slideMillis); start > t - sizeMillis; start -= slideMillis) {
    windows.push({ start, end: start + sizeMillis });
  }
  return windows;
}

/** The windows of `spec` that hold `t`. */
export function assignWindows(t: number, spec: WindowSpec): Window[] {
  return spec.kind === 'tumbling'
    ? [assignTumblingWindow(t, spec.sizeMillis)]
    : assignHoppingWindows(t, spec.sizeMillis, spec.slideMillis);
}

/** Why a window spec is unusable, or `undefined` when it is fine. */
export function windowSpecProblem(spec: WindowSpec): string | undefined {
  if (!Number.isInteger(spec.sizeMillis) || spec.sizeMillis <= 0) {
    return `window size must be a positive integer of milliseconds, got ${spec.sizeMillis}`;
  }
  if (spec.kind === 'hopping') {
    if (!Number.isInteger(spec.slideMillis) || spec.slideMillis <= 0) {
      return `hopping slide must be a positive integer of milliseconds, got ${spec.slideMillis}`;
    }
    if (spec.sizeMillis % spec.slideMillis !== 0) {
      return `hopping size ${spec.sizeMillis} must be a multiple of its slide ${spec.slideMillis}`;
    }
    if (spec.sizeMillis / spec.slideMillis > MAX_WINDOWS_PER_EVENT) {
      return `hopping size / slide must be at most ${MAX_WINDOWS_PER_EVENT}, got ${spec.sizeMillis / spec.slideMillis}`;
    }
  }
  return undefined;
}
