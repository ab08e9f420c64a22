/**
 * The query string of `GET /v1/aggregates` as a {@link WindowQuery}, or the reasons it is not
 * one. Pure: the handler maps problems to a 400 response.
 *
 * - `source`, `metric`: required, as sent by producers.
 * - `window`: the window size, as milliseconds (`60000`) or a duration (`500ms`, `10s`, `1m`,
 *   `5m`, `1h`).
 * - `from`, `to`: epoch milliseconds or ISO 8601; windows whose start is in `[from, to)`.
 *   `to` defaults to now, `from` to `to` minus 60 windows.
 */

import type { WindowQuery } from './query-windows.ts';

/** At most this many windows per request, so one request cannot read a partition unboundedly. */
export const MAX_WINDOWS_PER_QUERY = 10_000;

const UNIT_MILLIS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration (`10s`, `1m`, `60000`) in milliseconds, or undefined when malformed. */
export function parseDurationMillis(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MILLIS;
  const value = Number(match[1]) * UNIT_MILLIS[unit];
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** A time as epoch milliseconds (digits, optionally negative) or ISO 8601. */
export function parseTimeMillis(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) {
    const value = Number(trimmed);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const value = Date.parse(trimmed);
  return Number.isNaN(value) ? undefined : value;
}

/** What parsing found. */
export type ParsedQuery =
  | { readonly status: 'ok'; readonly query: WindowQuery }
  | { readonly status: 'invalid'; readonly problems: readonly string[] };

/** Parses the query string parameters of one request. */
export function parseAggregatesQuery(
  params: Readonly<Record<string, string | undefined>> | null,
  nowMillis: number,
): ParsedQuery {
  const p = params ?? {};
  const problems: string[] = [];
  const source = p.source;
  const metric = p.metric;
  if (!source) problems.push('source is required');
  if (!metric) problems.push('metric is required');
  const windowSizeMillis = p.window === undefined ? undefined : parseDurationMillis(p.window);
  if (windowSizeMillis === undefined) {
    problems.push(
      `window must be a size such as 10s, 1m, 5m or 60000, got ${JSON.stringify(p.window ?? null)}`,
    );
  }
  const toMillis = p.to === undefined ? nowMillis : parseTimeMillis(p.to);
  if (toMillis === undefined)
    problems.push(`to must be epoch milliseconds or ISO 8601, got ${JSON.stringify(p.to)}`);
  const fromMillis =
    p.from === undefined
      ? toMillis !== undefined && windowSizeMillis !== undefined
        ? toMillis - 60 * windowSizeMillis
        : undefined
      : parseTimeMillis(p.from);
  if (fromMillis === undefined && p.from !== undefined) {
    problems.push(`from must be epoch milliseconds or ISO 8601, got ${JSON.stringify(p.from)}`);
  }
  if (
    problems.length > 0 ||
    !source ||
    !metric ||
    windowSizeMillis === undefined ||
    toMillis === undefined ||
    fromMillis === undefined
  ) {
    return { status: 'invalid', problems };
  }
  if (fromMillis >= toMillis)
    return {
      status: 'invalid',
      problems: [`from (${fromMillis}) must be before to (${toMillis})`],
    };
  if ((toMillis - fromMillis) / windowSizeMillis > MAX_WINDOWS_PER_QUERY) {
    return {
      status: 'invalid',
      problems: [
        `the range holds more than ${MAX_WINDOWS_PER_QUERY} windows of ${windowSizeMillis} ms: narrow from/to or use a larger window`,
      ],
    };
  }
  return { status: 'ok', query: { source, metric, windowSizeMillis, fromMillis, toMillis } };
}
