import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../../infra/local/emulators.ts';
import { type LocalApi, startApiGateway } from '../../../infra/local/hosting/api-gateway.ts';
import {
  type KinesisFaultProxy,
  startKinesisFaultProxy,
} from '../../../infra/local/kinesis-fault-proxy.ts';
import { Producer } from '../../../ingest/client/producer.ts';
import { createIngestHandler, type IngestConfig } from '../../../ingest/handler.ts';
import { createStream, readStream, sampleEvent } from '../support.ts';

const CREDENTIALS = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'l', AWS_SECRET_ACCESS_KEY: 'l' };
let emulators: Emulators;
let direct: KinesisClient;
let proxy: KinesisFaultProxy;
let throttled: KinesisClient;
const apis: LocalApi[] = [];

async function endpointFor(
  config: Partial<IngestConfig> & { streamName: string },
): Promise<string> {
  const api = await startApiGateway({
    routes: [
      {
        method: 'POST',
        path: '/v1/events',
        functionName: 'ingest',
        handler: createIngestHandler({ apiKeys: ['key'], kinesis: direct, ...config }),
      },
    ],
  });
  apis.push(api);
  return `${api.url}/v1/events`;
}

beforeAll(async () => {
  emulators = await startEmulators();
  direct = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint });
  proxy = await startKinesisFaultProxy({
    target: emulators.kinesisEndpoint,
    putRecordsFailureRate: 0.3,
    seed: 11,
  });
  throttled = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: proxy.endpoint });
});

afterAll(async () => {
  for (const api of apis) await api.close();
  throttled?.destroy();
  direct?.destroy();
  await proxy?.close();
  await emulators?.close();
});

describe('Producer', () => {
  it('resends the records a 503 names until each is in the stream exactly once', async () => {
    // arrange: the handler gives up after one attempt, so throttled entries come back as 503
    await createStream(direct, 'producer-503', 2);
    const endpoint = await endpointFor({
      streamName: 'producer-503',
      kinesis: throttled,
      maxPutAttempts: 1,
      maxAggregatedRecordBytes: 1024,
    });
    const producer = new Producer({
      endpoint,
      apiKey: 'key',
      maxBatchRecords: 500,
      baseBackoffMillis: 1,
      maxBackoffMillis: 10,
    });
    const events = Array.from({ length: 1000 }, (_, i) => sampleEvent(i, { eventId: `p503-${i}` }));
    // act
    const outcomes = await producer.sendMany(events);
    await producer.close();
    // assert
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(producer.stats.retriedRequests).toBeGreaterThan(0);
    const ids = (await readStream(direct, 'producer-503')).map((r) => r.event.eventId);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
  });

  it('waits out 429s and reports bad records as rejected', async () => {
    await createStream(direct, 'producer-429', 1);
    const endpoint = await endpointFor({
      streamName: 'producer-429',
      rateLimitRecordsPerSecond: 1000,
      rateLimitBurstRecords: 1000,
    });
    const producer = new Producer({
      endpoint,
      apiKey: 'key',
      maxBatchRecords: 1000,
      maxInFlightRequests: 2,
      baseBackoffMillis: 1,
    });
    const events = Array.from({ length: 2500 }, (_, i) => sampleEvent(i, { eventId: `p429-${i}` }));
    const bad = { ...sampleEvent(9), value: Number.NaN };
    const [outcomes, badOutcome] = await Promise.all([
      producer.sendMany(events),
      producer.send(bad),
    ]);
    await producer.close();
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(2500);
    expect(badOutcome).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^value:/),
    });
    expect(producer.stats.retriedRequests).toBeGreaterThan(0);
    expect(await readStream(direct, 'producer-429')).toHaveLength(2500);
  });

  it('sends a lone record after the linger time, without a flush', async () => {
    await createStream(direct, 'producer-linger', 1);
    const producer = new Producer({
      endpoint: await endpointFor({ streamName: 'producer-linger' }),
      apiKey: 'key',
      lingerMillis: 20,
    });
    expect(await producer.send(sampleEvent(1))).toEqual({ status: 'accepted' });
    expect(producer.stats.requests).toBe(1);
  });

  it('fails every record of a batch the endpoint refuses outright', async () => {
    await createStream(direct, 'producer-401', 1);
    const producer = new Producer({
      endpoint: await endpointFor({ streamName: 'producer-401' }),
      apiKey: 'wrong',
      lingerMillis: 1,
    });
    expect(await producer.send(sampleEvent(1))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^401/),
    });
  });

  it('splits a batch the endpoint finds too large', async () => {
    await createStream(direct, 'producer-413', 1);
    const endpoint = await endpointFor({ streamName: 'producer-413', maxBodyBytes: 20_000 });
    const producer = new Producer({ endpoint, apiKey: 'key', maxBatchRecords: 1000 });
    const outcomes = await producer.sendMany(Array.from({ length: 400 }, (_, i) => sampleEvent(i)));
    await producer.close();
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(await readStream(direct, 'producer-413')).toHaveLength(400);
  });
});
