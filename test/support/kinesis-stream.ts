/** Test support: a real kinesalite with one stream, and helpers to fill it. */

import {
  CreateStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';

export interface TestStream {
  readonly emulators: Emulators;
  readonly client: KinesisClient;
  readonly streamName: string;
  close(): Promise<void>;
}

export const TEST_CREDENTIALS = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

/** Starts kinesalite and creates a stream of `shardCount` shards. */
export async function startTestStream(
  shardCount = 1,
  streamName = 'test-stream',
): Promise<TestStream> {
  const emulators = await startEmulators();
  const client = kinesisClient({
    ...TEST_CREDENTIALS,
    AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
  });
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitUntilStreamExists(
    { client, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 },
    { StreamName: streamName },
  );
  return {
    emulators,
    client,
    streamName,
    close: async () => {
      client.destroy();
      await emulators.close();
    },
  };
}

/** Writes `count` records `{ "i": n }` (n from `start`) with the given partition key function. */
export async function putNumbered(
  stream: TestStream,
  count: number,
  partitionKey: (i: number) => string = () => 'k',
  start = 0,
): Promise<void> {
  for (let offset = 0; offset < count; offset += 500) {
    const entries = [];
    for (let i = start + offset; i < start + Math.min(count, offset + 500); i++) {
      entries.push({ Data: Buffer.from(JSON.stringify({ i })), PartitionKey: partitionKey(i) });
    }
    const result = await stream.client.send(
      new PutRecordsCommand({ StreamName: stream.streamName, Records: entries }),
    );
    if (result.FailedRecordCount) throw new Error(`${result.FailedRecordCount} records failed`);
  }
}

/** The number `i` of a record written by {@link putNumbered}. */
export function numberOf(data: string): number {
  return (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { i: number }).i;
}

/**
 * Polls `condition` until it holds or the deadline passes (then throws, naming `what`). `refresh`,
 * when given, runs before each check (to re-read state from an emulator).
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMillis = 20_000,
  refresh?: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    await refresh?.();
    if (condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, refresh ? 250 : 20));
  }
}
