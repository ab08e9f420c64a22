import type { KinesisClient } from '@aws-sdk/client-kinesis';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import { lambdaContext } from '../../infra/local/hosting/lambda-context.ts';
import { MEDIA_TYPES } from '../../ingest/body/media-types.ts';
import { createIngestHandler } from '../../ingest/handler.ts';
import { encodeTelemetryEvent } from '../../schemas/codec.ts';
import { createStream, ingestEvent, sampleEvent } from './support.ts';

let emulators: Emulators;
let client: KinesisClient;
let handler: ReturnType<typeof createIngestHandler>;

beforeAll(async () => {
  emulators = await startEmulators();
  client = kinesisClient({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'l',
    AWS_SECRET_ACCESS_KEY: 'l',
    AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
  });
  await createStream(client, 'fuzz', 1);
  handler = createIngestHandler({ streamName: 'fuzz', apiKeys: ['k'], kinesis: client });
});

afterAll(async () => {
  client?.destroy();
  await emulators?.close();
});

const ALLOWED = new Set([200, 400, 413]);
const contentTypes = Object.keys(MEDIA_TYPES);

async function check(body: string, contentType: string, isBase64Encoded: boolean): Promise<void> {
  const result = await handler(
    ingestEvent({
      body,
      headers: { 'x-api-key': 'k', 'content-type': contentType },
      isBase64Encoded,
    }),
    lambdaContext({ functionName: 'ingest' }),
  );
  expect(ALLOWED, `${result.statusCode} ${result.body}`).toContain(result.statusCode);
  const parsed = JSON.parse(result.body) as { accepted?: number; message?: string };
  if (result.statusCode === 200) expect(typeof parsed.accepted).toBe('number');
  else expect(parsed.message).not.toMatch(/\n\s+at /);
}

/** Real records mixed with noise, so parsers see both. */
const recordish = fc.oneof(
  fc.jsonValue(),
  fc.integer({ min: 0, max: 1000 }).map((i) => sampleEvent(i) as unknown),
  fc.record({
    eventId: fc.string(),
    source: fc.string(),
    metric: fc.string(),
    value: fc.double(),
    timestamp: fc.integer(),
    attributes: fc.dictionary(fc.string(), fc.jsonValue()),
  }),
);

describe('ingest handler under fuzzing', () => {
  it('never crashes nor answers 500 for arbitrary bytes, in every format', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom(...contentTypes),
        fc.boolean(),
        async (bytes, type, b64) => {
          const body = b64
            ? Buffer.from(bytes).toString('base64')
            : Buffer.from(bytes).toString('utf8');
          await check(body, type, b64);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never crashes nor answers 500 for arbitrary JSON, as a JSON body or NDJSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordish, { maxLength: 8 }),
        fc.boolean(),
        async (values, wrap) => {
          await check(
            JSON.stringify(wrap ? { records: values } : values),
            'application/json',
            false,
          );
          await check(
            values.map((v) => JSON.stringify(v)).join('\n'),
            'application/x-ndjson',
            false,
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never crashes nor answers 500 for Avro records with flipped bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.nat(255),
        async (i, positions, xor) => {
          const record = Buffer.from(encodeTelemetryEvent(sampleEvent(i)));
          for (const p of positions) record[p % record.length]! ^= xor;
          await check(record.toString('base64'), 'application/vnd.apache.avro+base64', false);
          await check(
            Buffer.concat([Buffer.from([record.length]), record]).toString('base64'),
            'application/vnd.apache.avro',
            true,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
