import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient, kinesisClient } from '../../infra/aws-clients.ts';
import { MemoryCheckpointStore } from '../../infra/local/hosting/checkpoints.ts';
import { KinesisEventSource } from '../../infra/local/hosting/kinesis-event-source.ts';
import { readWindows } from '../../infra/local/load/read-back.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { STREAMS } from '../../infra/resources.ts';
import {
  createProcessorHandler,
  processorConfigFromEnv,
} from '../../processors/kinesis/handler.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { waitFor } from '../support/kinesis-stream.ts';

const MINUTE = 60_000;
const SOURCES = Array.from({ length: 40 }, (_, i) => `crash-${i}`);

let stack: LocalStack;
const clients: { destroy(): void }[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ handlerEnv: { ALLOWED_LATENESS_MILLIS: String(10 * MINUTE) } });
  // This test runs its own processor, which it can crash; the stack's stays out of the way.
  await stack.processorEventSource.stop();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await stack?.close();
});

/** A DynamoDB client that fails every call once `kill()` has been called: a crash mid-batch. */
function killableDynamoDb(): { client: DynamoDBClient; kill(): void; writes(): number } {
  const client = dynamoDbClient(stack.env);
  let killed = false;
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (killed) throw new Error('processor killed');
      if (context.commandName === 'PutItemCommand' || context.commandName === 'UpdateItemCommand') {
        writes += 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'killSwitch' },
  );
  return { client, kill: () => (killed = true), writes: () => writes };
}

function processor(
  dynamoDb: DynamoDBClient,
  checkpoints: MemoryCheckpointStore,
  delivered: Set<string>,
) {
  const handle = createProcessorHandler({ ...processorConfigFromEnv(stack.env), dynamoDb });
  const kinesis = kinesisClient(stack.env, { maxAttempts: 5 });
  clients.push(kinesis);
  return new KinesisEventSource({
    client: kinesis,
    streamName: STREAMS.telemetry.name,
    functionName: 'processor',
    handler: (event, context) => {
      for (const r of event.Records) delivered.add(r.kinesis.sequenceNumber);
      return handle(event, context);
    },
    checkpoints,
    batchSize: 200,
    maxBatchingWindowMillis: 50,
    pollIntervalMillis: 20,
    reportBatchItemFailures: true,
    bisectBatchOnFunctionError: true,
    retryAttempts: 3,
  });
}

describe('a processor killed mid-batch and restarted', () => {
  it('counts every event exactly once', async () => {
    // arrange: 6,000 events over 40 sources in two one-minute windows
    const base = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * MINUTE;
    const events: TelemetryEvent[] = Array.from({ length: 6000 }, (_, i) => ({
      eventId: `crash-${i}`,
      source: SOURCES[i % SOURCES.length]!,
      metric: 'load',
      value: i % 7,
      timestamp: base + ((i * 31) % (2 * MINUTE)),
    }));
    for (let offset = 0; offset < events.length; offset += 500) {
      const response = await fetch(stack.endpoints.ingest.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': stack.endpoints.ingest.apiKey },
        body: JSON.stringify(events.slice(offset, offset + 500)),
      });
      expect(response.status).toBe(200);
    }
    const checkpoints = new MemoryCheckpointStore();

    // act: crash once the processor has written some parts, in the middle of its work
    const doomed = killableDynamoDb();
    const beforeCrash = new Set<string>();
    const first = processor(doomed.client, checkpoints, beforeCrash);
    await first.start();
    await waitFor(() => doomed.writes() >= 30, 'the first processor to write some parts');
    doomed.kill();
    await first.stop({ graceful: false });
    const writtenBeforeCrash = doomed.writes();

    const healthy = dynamoDbClient(stack.env);
    const afterRestart = new Set<string>();
    const second = processor(healthy, checkpoints, afterRestart);
    await second.start();
    const range = { fromMillis: base - MINUTE, toMillis: base + 3 * MINUTE };
    const query = { ...range, sourceNames: SOURCES, metrics: ['load'] };
    let total = 0;
    await waitFor(
      () => total >= events.length,
      'every event counted after the restart',
      60_000,
      async () => {
        total = (await readWindows(stack.env, query)).reduce((n, w) => n + w.count, 0);
      },
    );
    // Give any double counting a chance to show before asserting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await second.stop();

    // assert: exact per-window counts and sums, though parts were written before the crash
    expect(writtenBeforeCrash).toBeGreaterThanOrEqual(30);
    // The batch in flight at the crash was delivered again: the redelivery really happened.
    expect([...afterRestart].some((sequenceNumber) => beforeCrash.has(sequenceNumber))).toBe(true);
    const expected = new Map<string, { count: number; sum: number }>();
    for (const e of events) {
      const key = `${e.source}|${Math.floor(e.timestamp / MINUTE) * MINUTE}`;
      const cell = expected.get(key) ?? { count: 0, sum: 0 };
      cell.count += 1;
      cell.sum += e.value;
      expected.set(key, cell);
    }
    const windows = await readWindows(stack.env, query);
    expect(windows.length).toBe(expected.size);
    for (const w of windows) {
      const want = expected.get(`${w.source}|${w.windowStart}`);
      expect({ count: w.count, sum: w.sum }, `${w.source} ${w.windowStart}`).toEqual(want);
    }
    healthy.destroy();
    doomed.client.destroy();
  });
});
