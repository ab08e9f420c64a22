/**
 * Typed access to awslabs' `aws-kinesis-agg` (its bundled typings omit `RecordAggregator` and
 * reference the v2 SDK), for the interoperability tests and the benchmark.
 */

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface LibUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  data: string;
}

interface LibRecordAggregator {
  addUserRecord(record: { partitionKey: string; data: Buffer; explicitHashKey?: string }): void;
  build(): { partitionKey: string; data: Buffer; ExplicitHashKey?: string } | undefined;
  length(): number;
}

interface Lib {
  RecordAggregator: new () => LibRecordAggregator;
  deaggregateSync(
    record: { partitionKey: string; data: string; sequenceNumber: string },
    computeChecksums: boolean,
    callback: (error: Error | null | undefined, records?: LibUserRecord[]) => void,
  ): void;
}

export const awsKinesisAgg = require('aws-kinesis-agg') as Lib;

/** Aggregates with the library, one aggregated record for all of `records`. */
export function libAggregate(
  records: readonly { partitionKey: string; data: Uint8Array; explicitHashKey?: string }[],
): { partitionKey: string; data: Buffer } {
  const agg = new awsKinesisAgg.RecordAggregator();
  for (const r of records) {
    agg.addUserRecord({
      partitionKey: r.partitionKey,
      // The library wants Buffers; the bench's records already are, so nothing is copied then.
      data: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data),
      ...(r.explicitHashKey ? { explicitHashKey: r.explicitHashKey } : {}),
    });
  }
  const built = agg.build();
  if (!built) throw new Error('aws-kinesis-agg built nothing');
  return built;
}

/** Deaggregates with the library; throws what it reports. */
export function libDeaggregate(data: Uint8Array, partitionKey: string): LibUserRecord[] {
  return libDeaggregateBase64(Buffer.from(data).toString('base64'), partitionKey);
}

/** Deaggregates a record as Lambda delivers it (base64), with the library. */
export function libDeaggregateBase64(data: string, partitionKey: string): LibUserRecord[] {
  let out: LibUserRecord[] | undefined;
  let failure: Error | undefined;
  awsKinesisAgg.deaggregateSync(
    { partitionKey, data, sequenceNumber: '1' },
    true,
    (error, records) => {
      if (error) failure = error;
      else out = records;
    },
  );
  if (failure) throw failure;
  if (!out) throw new Error('aws-kinesis-agg returned no records');
  return out;
}
