/**
 * Kinesis API calls per million events, end to end on loopback: the producer client batches
 * 150-byte events to the local API Gateway host, the ingest handler aggregates them and writes
 * through the fault proxy (failure rate 0, used here as a call counter) to kinesalite. The
 * baseline is the naive design, one PutRecord call per event: 1,000,000 calls per million.
 *
 * Run: `npx tsx bench/kinesis-calls.ts` (1,000,000 events, about a minute; `BENCH_EVENTS` to
 * change). Writes `bench/results/kinesis-calls.json`.
 */

import { writeFileSync } from 'node:fs';
import { kinesisClient } from '../infra/aws-clients.ts';
import { startEmulators } from '../infra/local/emulators.ts';
import { startApiGateway } from '../infra/local/hosting/api-gateway.ts';
import { startKinesisFaultProxy } from '../infra/local/kinesis-fault-proxy.ts';
import { Producer } from '../ingest/client/producer.ts';
import { createIngestHandler } from '../ingest/handler.ts';
import { createStream } from '../test/ingest/support.ts';
import { benchEvent } from './ingest-fixtures.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CREDENTIALS = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

const emulators = await startEmulators();
const proxy = await startKinesisFaultProxy({
  target: emulators.kinesisEndpoint,
  putRecordsFailureRate: 0,
});
const direct = kinesisClient({
  ...CREDENTIALS,
  AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
});
const counted = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: proxy.endpoint });
await createStream(direct, 'calls', 4);
const api = await startApiGateway({
  routes: [
    {
      method: 'POST',
      path: '/v1/events',
      functionName: 'ingest',
      handler: createIngestHandler({ streamName: 'calls', apiKeys: ['bench'], kinesis: counted }),
    },
  ],
});
const producer = new Producer({ endpoint: `${api.url}/v1/events`, apiKey: 'bench' });

const start = Date.now();
const outcomes = { accepted: 0, rejected: 0, failed: 0 };
const CHUNK = 50_000;
for (let sent = 0; sent < EVENTS; sent += CHUNK) {
  const batch = Array.from({ length: Math.min(CHUNK, EVENTS - sent) }, (_, i) =>
    benchEvent(sent + i),
  );
  for (const outcome of await producer.sendMany(batch)) outcomes[outcome.status]++;
}
await producer.close();
const seconds = (Date.now() - start) / 1000;

const calls = proxy.stats.calls;
const kinesisCalls = Object.values(calls).reduce((s, n) => s + n, 0);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  events: EVENTS,
  outcomes,
  httpRequests: producer.stats.requests,
  kinesisCallsByOperation: calls,
  kinesisRecordsWritten: proxy.stats.putRecordsEntries,
  kinesisCallsPerMillionEvents: (kinesisCalls / EVENTS) * 1e6,
  naiveCallsPerMillionEvents: 1e6,
  ratioNaiveOverOurs: EVENTS / kinesisCalls,
  seconds,
  eventsPerSecondEndToEnd: Math.round(EVENTS / seconds),
};
console.log(JSON.stringify(result, null, 2));
writeFileSync('bench/results/kinesis-calls.json', `${JSON.stringify(result, null, 2)}\n`);

await api.close();
counted.destroy();
direct.destroy();
await proxy.close();
await emulators.close();
