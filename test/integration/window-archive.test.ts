import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWindows } from '../../infra/local/load/read-back.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { waitFor } from '../support/kinesis-stream.ts';

const MINUTE = 60_000;
let dataDir: string;

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== 'state.json')
    .map((e) => join(e.parentPath, e.name));
}

describe('closed windows on the local stack', () => {
  it('are closed once the watermark passes them and archived through Firehose as JSON lines', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stack-archive-'));
    const stack = await startLocalStack({
      dataDir,
      processorEventSource: { batchSize: 100, maxBatchingWindowMillis: 50, pollIntervalMillis: 20 },
    });
    const window = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * MINUTE;
    const inWindow: TelemetryEvent[] = [1, 2, 3, 4].map((value, i) => ({
      eventId: `arch-${i}`,
      source: 'archived-source',
      metric: 'temp',
      value,
      timestamp: window + i * 1000,
    }));
    // A later event on the same source moves its shard's watermark past the window's end.
    const later: TelemetryEvent = {
      ...inWindow[0]!,
      eventId: 'arch-late',
      timestamp: window + 2 * MINUTE,
    };
    const post = (events: TelemetryEvent[]) =>
      fetch(stack.endpoints.ingest.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': stack.endpoints.ingest.apiKey },
        body: JSON.stringify(events),
      });
    try {
      expect((await post(inWindow)).status).toBe(200);
      expect((await post([later])).status).toBe(200);
      const query = {
        sourceNames: ['archived-source'],
        metrics: ['temp'],
        fromMillis: window,
        toMillis: window + MINUTE,
      };
      let closed = false;
      await waitFor(
        () => closed,
        'the window to close',
        30_000,
        async () => {
          const [view] = await readWindows(stack.env, query);
          closed = view?.closed === true;
        },
      );
    } finally {
      // Stopping flushes Firehose's buffer to its files.
      await stack.close();
    }
    const files = await filesUnder(join(dataDir, 'firehose', 'window-archive'));
    const lines = (await Promise.all(files.map((f) => readFile(f, 'utf8'))))
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const archived = lines.filter(
      (l) => l.source === 'archived-source' && l.windowStart === window,
    );
    expect(archived.length).toBeGreaterThanOrEqual(1);
    expect(archived[0]).toMatchObject({
      metric: 'temp',
      count: 4,
      sum: 10,
      min: 1,
      max: 4,
      mean: 2.5,
    });
    // Firehose lays objects out by UTC time prefix: YYYY/MM/DD/HH/.
    expect(files[0]).toMatch(/window-archive\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/window-archive-\d+-/);
  });
});
