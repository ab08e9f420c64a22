/**
 * Kinesis batches for the processor benchmarks: `sources` sources, one metric each, `perSource`
 * events per source per batch spread over one second of event time, packed by the ingest's KPL
 * aggregator into records of up to 500 user records (partition key = source), as Lambda
 * delivers them (base64 data, `eventID` = shard:sequence).
 */

import type { KinesisStreamRecord } from 'aws-lambda';
import { KplAggregator } from '../ingest/kpl/aggregate.ts';
import { encodeTelemetryEvent } from '../schemas/codec.ts';

export const BENCH_T0 = 1_735_689_600_000;

/** One batch: the second `second` of event time. */
export function benchBatch(
  sources: number,
  perSource: number,
  second: number,
  shardId = 'shardId-000000000000',
): { records: KinesisStreamRecord[]; userRecords: Uint8Array[] } {
  const records: KinesisStreamRecord[] = [];
  const userRecords: Uint8Array[] = [];
  let agg = new KplAggregator({ maxRecordBytes: 1024 * 1024 });
  let seq = second * 1_000_000;
  const flush = () => {
    if (agg.count === 0) return;
    const built = agg.build();
    const sequenceNumber = `49${String(++seq).padStart(54, '0')}`;
    records.push({
      eventID: `${shardId}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      eventSource: 'aws:kinesis',
      awsRegion: 'us-east-1',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/processor',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/telemetry-events',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: built.partitionKey,
        sequenceNumber,
        data: built.data.toString('base64'),
        approximateArrivalTimestamp: (BENCH_T0 + second * 1000) / 1000,
      },
    });
    agg = new KplAggregator({ maxRecordBytes: 1024 * 1024 });
  };
  for (let k = 0; k < perSource; k++) {
    for (let s = 0; s < sources; s++) {
      const i = second * sources * perSource + k * sources + s;
      const bytes = encodeTelemetryEvent({
        eventId: `evt-${i.toString(16).padStart(10, '0')}`,
        source: `sensor-${s}`,
        metric: 'cpu.utilization',
        value: Math.round(Math.abs(Math.sin(i)) * 1e5) / 1e3,
        timestamp: BENCH_T0 + second * 1000 + Math.floor((k * 1000) / perSource),
        attributes: null,
      });
      userRecords.push(bytes);
      if (agg.count >= 500 || !agg.tryAdd(`sensor-${s}`, bytes)) {
        flush();
        agg.tryAdd(`sensor-${s}`, bytes);
      }
    }
  }
  flush();
  return { records, userRecords };
}
