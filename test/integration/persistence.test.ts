import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countAggregated } from '../../infra/local/load/read-back.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { waitFor } from '../support/kinesis-stream.ts';

const MINUTE = 60_000;
const SOURCES = ['persist-a', 'persist-b', 'persist-c'];
let dataDir: string;

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function events(from: number, count: number, base: number): TelemetryEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `p-${from + i}`,
    source: SOURCES[(from + i) % SOURCES.length]!,
    metric: 'm',
    value: 1,
    timestamp: base + ((from + i) % 1000),
  }));
}

async function post(url: string, apiKey: string, batch: readonly TelemetryEvent[]) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(batch),
  });
  expect(response.status).toBe(200);
}

describe('the local stack with --data-dir', () => {
  it('keeps streams, windows and checkpoints across a restart, counting nothing twice', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stack-persist-'));
    const base = Math.floor(Date.now() / MINUTE) * MINUTE;
    const query = {
      sourceNames: SOURCES,
      metrics: ['m'],
      fromMillis: base - MINUTE,
      toMillis: base + 2 * MINUTE,
    };
    const fast = { batchSize: 100, maxBatchingWindowMillis: 50, pollIntervalMillis: 20 };

    // First life: 300 events, all aggregated, then a clean stop.
    const first = await startLocalStack({
      dataDir,
      apiKey: 'persisted-key-0001',
      processorEventSource: fast,
    });
    await post(first.endpoints.ingest.url, 'persisted-key-0001', events(0, 300, base));
    let total = 0;
    const refresh = (env: typeof first.env) => async () => {
      total = await countAggregated(env, query);
    };
    await waitFor(
      () => total >= 300,
      '300 aggregated before the restart',
      30_000,
      refresh(first.env),
    );
    await first.close();
    const checkpoints = JSON.parse(
      await readFile(join(dataDir, 'checkpoints', 'processor.json'), 'utf8'),
    ) as Record<string, string>;
    expect(Object.keys(checkpoints).length).toBeGreaterThan(0);

    // Second life on the same directory: the old windows are there, and only new events are added.
    const second = await startLocalStack({
      dataDir,
      apiKey: 'persisted-key-0001',
      processorEventSource: fast,
    });
    try {
      expect(await countAggregated(second.env, query)).toBe(300);
      await post(second.endpoints.ingest.url, 'persisted-key-0001', events(300, 200, base));
      await waitFor(
        () => total >= 500,
        '500 aggregated after the restart',
        30_000,
        refresh(second.env),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await countAggregated(second.env, query)).toBe(500);
    } finally {
      await second.close();
    }
  });
});
