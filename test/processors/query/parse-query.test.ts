import { describe, expect, it } from 'vitest';
import {
  parseAggregatesQuery,
  parseDurationMillis,
} from '../../../processors/query/parse-query.ts';

describe('parseAggregatesQuery', () => {
  it('reads sizes as durations and times as ISO 8601 or epoch milliseconds', () => {
    const parsed = parseAggregatesQuery(
      { source: 's', metric: 'm', window: '1m', from: '2024-01-01T00:00:00Z', to: '1704067260000' },
      0,
    );
    expect(parsed).toEqual({
      status: 'ok',
      query: {
        source: 's',
        metric: 'm',
        windowSizeMillis: 60_000,
        fromMillis: 1_704_067_200_000,
        toMillis: 1_704_067_260_000,
      },
    });
  });
  it('names every problem', () => {
    const parsed = parseAggregatesQuery({ window: 'soon', to: 'later' }, 0);
    expect(parsed.status === 'invalid' && parsed.problems.length).toBe(4);
  });
  it('refuses a range of more than 10,000 windows', () => {
    const parsed = parseAggregatesQuery(
      { source: 's', metric: 'm', window: '1s', from: '0', to: String(86_400_000) },
      0,
    );
    expect(parsed.status).toBe('invalid');
  });
  it('parses 10s, 5m, 500ms and plain milliseconds', () => {
    expect(['10s', '5m', '500ms', '60000', '0', '-1'].map(parseDurationMillis)).toEqual([
      10_000,
      300_000,
      500,
      60_000,
      undefined,
      undefined,
    ]);
  });
});
