import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import { lambdaContext } from '../../infra/local/hosting/lambda-context.ts';
import { createIngestHandler, type IngestConfig } from '../../ingest/handler.ts';
import { encodeTelemetryEvent } from '../../schemas/codec.ts';
import { createStream, ingestEvent, readStream, sampleEvent } from './support.ts';

const KEY = 'k-123';
let emulators: Emulators;
let client: KinesisClient;
const ctx = () => lambdaContext({ functionName: 'ingest', timeoutMillis: 10_000 });

beforeAll(async () => {
  emulators = await startEmulators();
  client = kinesisClient({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'l',
    AWS_SECRET_ACCESS_KEY: 'l',
    AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
  });
  await createStream(client, 'http-edges', 2);
});

afterAll(async () => {
  client?.destroy();
  await emulators?.close();
});

const handlerWith = (overrides: Partial<IngestConfig> = {}) =>
  createIngestHandler({
    streamName: 'http-edges',
    apiKeys: [KEY, 'other'],
    kinesis: client,
    ...overrides,
  });
const post = (
  body: string | null,
  headers: Record<string, string> = { 'x-api-key': KEY },
  isBase64Encoded = false,
) => ingestEvent({ body, headers, isBase64Encoded });

describe('ingest handler responses', () => {
  it('answers 401 without a key, with a wrong key, and with a key that is a prefix of a valid one', async () => {
    const handler = handlerWith();
    for (const headers of [
      {},
      { 'x-api-key': 'nope' },
      { 'x-api-key': 'k-12' },
      { 'x-api-key': '' },
    ]) {
      const result = await handler(post('[]', headers), ctx());
      expect(result.statusCode).toBe(401);
      expect(JSON.parse(result.body).message).toMatch(/x-api-key/);
    }
  });

  it('reads headers whatever their case', async () => {
    const result = await handlerWith()(
      post(JSON.stringify([sampleEvent(1)]), {
        'X-API-KEY': KEY,
        'CONTENT-TYPE': 'application/json',
      }),
      ctx(),
    );
    expect(result.statusCode).toBe(200);
  });

  it('answers 413 for a body over maxBodyBytes', async () => {
    const result = await handlerWith({ maxBodyBytes: 100 })(post(`[${' '.repeat(200)}]`), ctx());
    expect(result.statusCode).toBe(413);
    expect(JSON.parse(result.body).message).toMatch(/over the limit of 100 bytes/);
  });

  it('answers 415 for a content type it does not read', async () => {
    const result = await handlerWith()(
      post('<x/>', { 'x-api-key': KEY, 'content-type': 'application/xml' }),
      ctx(),
    );
    expect(result.statusCode).toBe(415);
    expect(JSON.parse(result.body).message).toMatch(/application\/x-ndjson/);
  });

  it('answers 400 for an unreadable body', async () => {
    const result = await handlerWith()(post('{not json'), ctx());
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).message).toMatch(/^body is not valid JSON/);
  });

  it('answers 429 with Retry-After once a key is over its rate, and keeps keys apart', async () => {
    // arrange: a clock the test drives
    let now = 1_000_000;
    const handler = handlerWith({
      rateLimitRecordsPerSecond: 10,
      rateLimitBurstRecords: 10,
      now: () => now,
    });
    const ten = JSON.stringify(
      Array.from({ length: 10 }, (_, i) => sampleEvent(i, { timestamp: now })),
    );
    // act / assert
    expect((await handler(post(ten), ctx())).statusCode).toBe(200);
    const limited = await handler(post(ten), ctx());
    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['retry-after']).toBe('1');
    expect((await handler(post(ten, { 'x-api-key': 'other' }), ctx())).statusCode).toBe(200);
    now += 1000;
    expect((await handler(post(ten), ctx())).statusCode).toBe(200);
  });

  it('takes Avro frames passed base64-encoded by API Gateway', async () => {
    const records = [
      encodeTelemetryEvent(sampleEvent(100, { eventId: 'avro-1' })),
      encodeTelemetryEvent(sampleEvent(101, { eventId: 'avro-2' })),
    ];
    const body = Buffer.concat(records.flatMap((r) => [Buffer.from([r.length]), r])).toString(
      'base64',
    );
    const result = await handlerWith()(
      post(body, { 'x-api-key': KEY, 'content-type': 'application/vnd.apache.avro' }, true),
      ctx(),
    );
    expect(JSON.parse(result.body)).toEqual({ accepted: 2, rejected: [] });
    const ids = (await readStream(client, 'http-edges')).map((r) => r.event.eventId);
    expect(ids).toEqual(expect.arrayContaining(['avro-1', 'avro-2']));
  });

  it('takes NDJSON and Avro base64 lines, reporting bad lines by index', async () => {
    const ndjson = [JSON.stringify(sampleEvent(1)), '{bad', JSON.stringify(sampleEvent(2))].join(
      '\n',
    );
    const r1 = await handlerWith()(
      post(ndjson, { 'x-api-key': KEY, 'content-type': 'application/x-ndjson' }),
      ctx(),
    );
    expect(JSON.parse(r1.body)).toMatchObject({ accepted: 2, rejected: [{ index: 1 }] });
    const lines = [encodeTelemetryEvent(sampleEvent(3)).toString('base64'), 'AAAA'].join('\n');
    const r2 = await handlerWith()(
      post(lines, { 'x-api-key': KEY, 'content-type': 'application/vnd.apache.avro+base64' }),
      ctx(),
    );
    expect(JSON.parse(r2.body)).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
  });

  it('answers 405 to a method other than POST', async () => {
    const result = await handlerWith()({ ...post('[]'), httpMethod: 'GET' }, ctx());
    expect(result.statusCode).toBe(405);
  });
});
