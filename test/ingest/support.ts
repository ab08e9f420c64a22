/**
 * Test support for the ingest side: API Gateway event factories, sample events, and stream
 * helpers that create a kinesalite stream and read every user record back (deaggregated and
 * decoded), the way the processor will.
 */

import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { listShards } from '../../ingest/kinesis/shard-map-cache.ts';
import { deaggregate } from '../../ingest/kpl/deaggregate.ts';
import { decodeTelemetryEvent } from '../../schemas/codec.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';

/** An API Gateway REST proxy event for `POST /v1/events`. */
export function ingestEvent(options: {
  body: string | null;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
}): APIGatewayProxyEvent {
  const headers = options.headers ?? {};
  return {
    resource: '/v1/events',
    path: '/v1/events',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: { requestId: randomUUID() } as APIGatewayProxyEvent['requestContext'],
  };
}

/** A valid telemetry event, `i` making it unique. */
export function sampleEvent(i: number, overrides: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    eventId: `evt-${i}`,
    source: `sensor-${i % 10}`,
    metric: 'cpu.utilization',
    value: i * 0.5,
    timestamp: 1_735_689_600_000 + i,
    attributes: { region: 'eu-west-1' },
    ...overrides,
  };
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(
  client: KinesisClient,
  name: string,
  shardCount: number,
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  await waitUntilStreamExists(
    { client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 },
    { StreamName: name },
  );
}

/** One user record as read back from the stream. */
export interface StoredUserRecord {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly aggregated: boolean;
  readonly event: TelemetryEvent;
}

/** Reads every record of every shard from the start, deaggregated and decoded. */
export async function readStream(
  client: KinesisClient,
  streamName: string,
): Promise<StoredUserRecord[]> {
  const out: StoredUserRecord[] = [];
  for (const shard of await listShards(client, streamName)) {
    const shardId = shard.ShardId!;
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
      );
      for (const record of page.Records ?? []) {
        const result = deaggregate(record.Data!, record.PartitionKey!);
        if (result.status !== 'ok')
          throw new Error(`corrupt record in ${shardId}: ${result.reason}`);
        for (const user of result.records) {
          out.push({
            shardId,
            partitionKey: user.partitionKey,
            aggregated: result.aggregated,
            event: decodeTelemetryEvent(user.data),
          });
        }
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
