import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAggregated, readWindows } from '../../infra/local/load/read-back.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { waitFor } from '../support/kinesis-stream.ts';

const MINUTE = 60_000;

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    processorEventSource: { batchSize: 500, maxBatchingWindowMillis: 200, pollIntervalMillis: 20 },
    // The events below are spread over three minutes in shuffled order: none of them is late.
    handlerEnv: { ALLOWED_LATENESS_MILLIS: String(10 * MINUTE) },
  });
});

afterAll(async () => {
  await stack?.close();
});

async function post(events: readonly TelemetryEvent[]) {
  const response = await fetch(stack.endpoints.ingest.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': stack.endpoints.ingest.apiKey },
    body: JSON.stringify(events),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the local pipeline, end to end', () => {
  it('aggregates 10,000 events over 100 sources into exact one-minute windows', async () => {
    // arrange: events spread over three minutes, with known per-window counts and sums
    const base = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * MINUTE;
    const events: TelemetryEvent[] = [];
    const expected = new Map<string, { count: number; sum: number }>();
    for (let i = 0; i < 10_000; i++) {
      const source = `src-${String(i % 100).padStart(3, '0')}`;
      const timestamp = base + ((i * 7919) % (3 * MINUTE));
      const value = (i % 13) + 0.25;
      events.push({ eventId: `e-${i}`, source, metric: 'temp', value, timestamp });
      const key = `${source}|${Math.floor(timestamp / MINUTE) * MINUTE}`;
      const cell = expected.get(key) ?? { count: 0, sum: 0 };
      cell.count += 1;
      cell.sum += value;
      expected.set(key, cell);
    }

    // act: post in requests of 1,000 through the HTTP endpoint
    for (let offset = 0; offset < events.length; offset += 1000) {
      const { status, body } = await post(events.slice(offset, offset + 1000));
      expect(status).toBe(200);
      expect(body).toMatchObject({ accepted: 1000, rejected: [] });
    }
    const range = { fromMillis: base - MINUTE, toMillis: base + 4 * MINUTE };
    let aggregated = 0;
    await waitFor(
      () => aggregated >= 10_000,
      'all 10,000 events in DynamoDB',
      60_000,
      async () => {
        aggregated = await countAggregated(stack.env, {
          ...range,
          sourceNames: sources(),
          metrics: ['temp'],
        });
      },
    );

    // assert: every window holds exactly its events, and nothing else exists
    const windows = await readWindows(stack.env, {
      ...range,
      sourceNames: sources(),
      metrics: ['temp'],
    });
    const actual = new Map(
      windows.map((w) => [`${w.source}|${w.windowStart}`, { count: w.count, sum: w.sum }]),
    );
    expect(actual.size).toBe(expected.size);
    for (const [key, cell] of expected) {
      const got = actual.get(key);
      expect(got?.count, key).toBe(cell.count);
      expect(got?.sum, key).toBeCloseTo(cell.sum, 6);
    }
    expect(aggregated).toBe(10_000);

    // and the query endpoint serves the same windows over HTTP, with quantiles
    const url = new URL(stack.endpoints.api.aggregates);
    url.search = new URLSearchParams({
      source: 'src-007',
      metric: 'temp',
      window: '1m',
      from: String(range.fromMillis),
      to: String(range.toMillis),
    }).toString();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      windows: { windowStart: number; count: number; sum: number; p50: number; max: number }[];
    };
    expect(body.windows.length).toBeGreaterThan(0);
    for (const w of body.windows) {
      const want = expected.get(`src-007|${w.windowStart}`)!;
      expect(w.count).toBe(want.count);
      expect(w.sum).toBeCloseTo(want.sum, 6);
      expect(w.p50).toBeGreaterThan(0);
      expect(w.p50).toBeLessThanOrEqual(w.max);
    }
  });
});

function sources(): string[] {
  return Array.from({ length: 100 }, (_, i) => `src-${String(i).padStart(3, '0')}`);
}
