import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import { lambdaContext } from '../../infra/local/hosting/lambda-context.ts';
import {
  type KinesisFaultProxy,
  startKinesisFaultProxy,
} from '../../infra/local/kinesis-fault-proxy.ts';
import { createIngestHandler } from '../../ingest/handler.ts';
import { createStream, ingestEvent, readStream, sampleEvent } from './support.ts';

const CREDENTIALS = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};
let emulators: Emulators;
let direct: KinesisClient;
let proxy: KinesisFaultProxy;
let viaProxy: KinesisClient;

beforeAll(async () => {
  emulators = await startEmulators();
  direct = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint });
  proxy = await startKinesisFaultProxy({
    target: emulators.kinesisEndpoint,
    putRecordsFailureRate: 0.4,
    seed: 3,
  });
  viaProxy = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: proxy.endpoint });
});

afterAll(async () => {
  viaProxy?.destroy();
  direct?.destroy();
  await proxy?.close();
  await emulators?.close();
});

describe('ingest under throughput errors', () => {
  for (const aggregation of [true, false]) {
    it(`writes each accepted record exactly once or reports it failed (aggregation ${aggregation ? 'on' : 'off'})`, async () => {
      // arrange: small aggregated records so that one request makes many entries for the proxy to fail
      const stream = `throttled-${aggregation ? 'agg' : 'plain'}`;
      await createStream(direct, stream, 4);
      const handler = createIngestHandler({
        streamName: stream,
        apiKeys: ['k'],
        kinesis: viaProxy,
        aggregation,
        maxAggregatedRecordBytes: 2048,
        maxPutAttempts: 3,
        baseBackoffMillis: 1,
        maxBackoffMillis: 5,
      });
      const events = Array.from({ length: 3000 }, (_, i) =>
        sampleEvent(i, { eventId: `${stream}-${i}`, source: `s-${i % 37}` }),
      );
      // act
      const result = await handler(
        ingestEvent({ body: JSON.stringify(events), headers: { 'x-api-key': 'k' } }),
        lambdaContext({ functionName: 'ingest', timeoutMillis: 20_000 }),
      );
      // assert
      const body = JSON.parse(result.body) as {
        accepted: number;
        rejected: unknown[];
        failed?: { index: number; reason: string }[];
      };
      const failed = new Set((body.failed ?? []).map((f) => events[f.index]!.eventId));
      const stored = (await readStream(direct, stream)).map((r) => r.event.eventId);
      expect(new Set(stored).size).toBe(stored.length); // exactly once
      expect(stored.length).toBe(body.accepted);
      for (const id of stored) expect(failed.has(id)).toBe(false);
      expect(stored.length + failed.size).toBe(events.length); // nothing dropped
      expect(body.rejected).toEqual([]);
      // 40% per attempt over 3 attempts leaves about 6% failed: both paths are exercised
      expect(failed.size).toBeGreaterThan(0);
      expect(result.statusCode).toBe(503);
      expect(body.failed?.[0]?.reason).toMatch(
        /ProvisionedThroughputExceededException after 3 attempt/,
      );
    });
  }
});
