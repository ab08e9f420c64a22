/**
 * Factories of `KinesisStreamEvent`s exactly as the Lambda event source mapping builds them:
 * `eventID` = `<shardId>:<sequenceNumber>`, base64 data, arrival time in seconds, ARN.
 */

import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { KplAggregator } from '../../../ingest/kpl/aggregate.ts';
import { encodeTelemetryEvent } from '../../../schemas/codec.ts';
import type { TelemetryEvent } from '../../../schemas/types.ts';

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/telemetry-events';

/** A sequence number of the usual 56-digit shape for position `n` of a shard. */
export function sequenceNumber(n: number): string {
  return `49${String(n).padStart(54, '0')}`;
}

/** One Kinesis event record. */
export function kinesisRecord(
  shardId: string,
  seq: string,
  partitionKey: string,
  data: Uint8Array,
  arrivalMillis = 1_700_000_000_000,
): KinesisStreamRecord {
  return {
    eventID: `${shardId}:${seq}`,
    eventName: 'aws:kinesis:record',
    eventVersion: '1.0',
    eventSource: 'aws:kinesis',
    awsRegion: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/processor',
    eventSourceARN: STREAM_ARN,
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber: seq,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: arrivalMillis / 1000,
    },
  };
}

/** A KPL-aggregated Kinesis record of `events` (partition key = each event's source). */
export function aggregatedData(
  events: readonly TelemetryEvent[],
  partitionKeyOf = (e: TelemetryEvent) => e.source,
): Uint8Array {
  const agg = new KplAggregator({ maxRecordBytes: 1024 * 1024 });
  for (const e of events) {
    if (!agg.tryAdd(partitionKeyOf(e), encodeTelemetryEvent(e)))
      throw new Error('test record too large');
  }
  return agg.build().data;
}

export function kinesisEvent(records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}

let eventCounter = 0;

/** A telemetry event with a fresh id. */
export function telemetryEvent(overrides: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    eventId: `evt-${++eventCounter}`,
    source: 'sensor-1',
    metric: 'temperature',
    value: 20,
    timestamp: 1_700_000_000_000,
    attributes: null,
    ...overrides,
  };
}
