import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWindows } from '../../infra/local/load/read-back.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { Producer } from '../../ingest/client/producer.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { waitFor } from '../support/kinesis-stream.ts';

const MINUTE = 60_000;
const SOURCES = Array.from({ length: 20 }, (_, i) => `throttled-${i}`);
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    kinesisFailureRate: 0.3,
    processorEventSource: { batchSize: 500, maxBatchingWindowMillis: 100, pollIntervalMillis: 20 },
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('the pipeline while Kinesis throttles 30% of PutRecords entries', () => {
  it('aggregates every accepted event exactly once, and reports the rest as failed', async () => {
    const base = Math.floor(Date.now() / MINUTE) * MINUTE;
    const events: TelemetryEvent[] = Array.from({ length: 5000 }, (_, i) => ({
      eventId: `t-${i}`,
      source: SOURCES[i % SOURCES.length]!,
      metric: 'rps',
      value: 2,
      timestamp: base + (i % 1000),
    }));
    // Small batches, so many requests meet the injected errors.
    const producer = new Producer({
      endpoint: stack.endpoints.ingest.url,
      apiKey: stack.endpoints.ingest.apiKey,
      maxBatchRecords: 250,
    });
    const outcomes = await producer.sendMany(events);
    await producer.close();
    const accepted = new Map<string, number>();
    let failed = 0;
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'accepted') {
        const source = events[i]!.source;
        accepted.set(source, (accepted.get(source) ?? 0) + 1);
      } else {
        expect(outcome.status, JSON.stringify(outcome)).toBe('failed');
        failed += 1;
      }
    });
    const acceptedTotal = events.length - failed;

    const query = {
      sourceNames: SOURCES,
      metrics: ['rps'],
      fromMillis: base - MINUTE,
      toMillis: base + 2 * MINUTE,
    };
    let total = 0;
    await waitFor(
      () => total >= acceptedTotal,
      'every accepted event aggregated',
      60_000,
      async () => {
        total = (await readWindows(stack.env, query)).reduce((n, w) => n + w.count, 0);
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const windows = await readWindows(stack.env, query);
    const perSource = new Map<string, number>();
    for (const w of windows) perSource.set(w.source, (perSource.get(w.source) ?? 0) + w.count);

    expect(stack.kinesisFaults!.stats.injectedFailures).toBeGreaterThan(0);
    expect(perSource).toEqual(accepted);
  });
});
