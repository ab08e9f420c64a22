import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../infra/local/hosting/lambda-context.ts';
import type { PoisonRecord } from '../../../processors/kinesis/decode-records.ts';
import { createProcessorHandler } from '../../../processors/kinesis/handler.ts';
import { queryWindows } from '../../../processors/query/query-windows.ts';
import type { PoisonSink } from '../../../processors/sinks/types.ts';
import { encodeTelemetryEvent } from '../../../schemas/codec.ts';
import { createAggregatesTable, startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import {
  aggregatedData,
  kinesisEvent,
  kinesisRecord,
  sequenceNumber,
  telemetryEvent,
} from '../support/kinesis-events.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_040_000; // 40 s into a minute window starting at 1_700_000_040_000 - 40_000
const SHARD = 'shardId-000000000000';

let dynamo: TestDynamo;
const context: Context = lambdaContext({ functionName: 'processor' });

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

class CollectingPoisonSink implements PoisonSink {
  readonly received: PoisonRecord[] = [];
  async sendPoison(records: readonly PoisonRecord[]) {
    this.received.push(...records);
    return [];
  }
}

async function setup() {
  const tableName = await createAggregatesTable(dynamo.client);
  const poison = new CollectingPoisonSink();
  const handler = createProcessorHandler({
    tableName,
    dynamoDb: dynamo.client,
    poisonSink: poison,
    allowedLatenessMillis: 3_600_000,
  });
  const read = (source = 'sensor-1') =>
    queryWindows(
      dynamo.client,
      tableName,
      {
        source,
        metric: 'temperature',
        windowSizeMillis: MINUTE,
        fromMillis: T0 - 10 * MINUTE,
        toMillis: T0 + 10 * MINUTE,
      },
      { consistentRead: true },
    );
  return { handler, poison, read };
}

describe('processor handler', () => {
  it('aggregates count, sum, min and max per one-minute window from aggregated records', async () => {
    // arrange
    const { handler, read } = await setup();
    const windowStart = Math.floor(T0 / MINUTE) * MINUTE;
    const events = [
      telemetryEvent({ value: 1, timestamp: windowStart }),
      telemetryEvent({ value: 5, timestamp: windowStart + MINUTE - 1 }),
      telemetryEvent({ value: -2, timestamp: windowStart + MINUTE }),
    ];
    // act
    const response = await handler(
      kinesisEvent([kinesisRecord(SHARD, sequenceNumber(1), 'sensor-1', aggregatedData(events))]),
      context,
    );
    // assert
    expect(response.batchItemFailures).toEqual([]);
    const windows = await read();
    expect(windows.map((w) => [w.windowStart, w.count, w.sum, w.min, w.max])).toEqual([
      [windowStart, 2, 6, 1, 5],
      [windowStart + MINUTE, 1, -2, -2, -2],
    ]);
  });

  it('counts nothing twice when a batch is delivered again, whole or from its middle', async () => {
    // arrange
    const { handler, read } = await setup();
    const events = Array.from({ length: 30 }, (_, i) =>
      telemetryEvent({ value: i, timestamp: T0 + i }),
    );
    const records = [0, 1, 2].map((r) =>
      kinesisRecord(
        SHARD,
        sequenceNumber(r + 1),
        'sensor-1',
        aggregatedData(events.slice(r * 10, r * 10 + 10)),
      ),
    );
    // act
    await handler(kinesisEvent(records.slice(0, 2)), context);
    await handler(kinesisEvent(records.slice(0, 2)), context);
    await handler(kinesisEvent(records.slice(1)), context);
    await handler(kinesisEvent(records), context);
    // assert
    const [window] = await read();
    expect(window?.count).toBe(30);
    expect(window?.sum).toBe((29 * 30) / 2);
  });

  it('counts a producer duplicate (same eventId, new sequence number) once', async () => {
    // arrange
    const { handler, read } = await setup();
    const event = telemetryEvent({ value: 7, timestamp: T0 });
    const data = encodeTelemetryEvent(event);
    // act
    await handler(
      kinesisEvent([kinesisRecord(SHARD, sequenceNumber(1), 'sensor-1', data)]),
      context,
    );
    await handler(
      kinesisEvent([kinesisRecord(SHARD, sequenceNumber(2), 'sensor-1', data)]),
      context,
    );
    // assert
    const [window] = await read();
    expect(window?.count).toBe(1);
  });

  it('sends poison records to the dead-letter sink with reason, shard and sequence number, and goes on', async () => {
    // arrange
    const { handler, poison, read } = await setup();
    const good = encodeTelemetryEvent(telemetryEvent({ timestamp: T0 }));
    const records = [
      kinesisRecord(SHARD, sequenceNumber(1), 'sensor-1', Buffer.from('not avro')),
      kinesisRecord(
        SHARD,
        sequenceNumber(2),
        'sensor-1',
        Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), Buffer.alloc(20)]),
      ),
      kinesisRecord(SHARD, sequenceNumber(3), 'sensor-1', good),
    ];
    // act
    const response = await handler(kinesisEvent(records), context);
    // assert
    expect(response.batchItemFailures).toEqual([]);
    expect(poison.received.map((p) => [p.reason, p.shardId, p.sequenceNumber])).toEqual([
      ['bad-marker', SHARD, sequenceNumber(1)],
      ['kpl-bad-checksum', SHARD, sequenceNumber(2)],
    ]);
    expect((await read())[0]?.count).toBe(1);
  });

  it('merges the parts of a window written by two shards', async () => {
    // arrange
    const { handler, read } = await setup();
    // act
    await handler(
      kinesisEvent([
        kinesisRecord(
          'shardId-000000000000',
          sequenceNumber(1),
          'sensor-1',
          encodeTelemetryEvent(telemetryEvent({ value: 2, timestamp: T0 })),
        ),
      ]),
      context,
    );
    await handler(
      kinesisEvent([
        kinesisRecord(
          'shardId-000000000001',
          sequenceNumber(1),
          'sensor-1',
          encodeTelemetryEvent(telemetryEvent({ value: 9, timestamp: T0 })),
        ),
      ]),
      context,
    );
    // assert
    const [window] = await read();
    expect([window?.count, window?.sum, window?.min, window?.max, window?.parts]).toEqual([
      2, 11, 2, 9, 2,
    ]);
  });
});
