/**
 * The dead-letter queue and the late-events queue as SQS adapters. Each message is JSON with the
 * reason and where the record came from (shard, sequence number, sub-sequence number), so a
 * person can find it in the stream and a tool can replay it. Entries SQS rejects are returned
 * to the caller, which reports their Kinesis records as failed so they are sent again.
 */

import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SQS } from '../../infra/limits.ts';
import type { PoisonRecord } from '../kinesis/decode-records.ts';
import { packSqsBatches } from './sqs-batches.ts';
import type { LateEventReport, LateEventSink, PoisonSink } from './types.ts';

/** Room left in a message for the JSON around the data. */
const ENVELOPE_BYTES = 4 * 1024;

/** The DLQ message of a poison record: the data as base64, cut to fit one SQS message. */
export function poisonMessageBody(record: PoisonRecord): string {
  const maxDataBytes = Math.floor(((SQS.maxMessageBytes - ENVELOPE_BYTES) * 3) / 4);
  const truncated = record.data.length > maxDataBytes;
  const data = Buffer.from(
    record.data.buffer,
    record.data.byteOffset,
    Math.min(record.data.length, maxDataBytes),
  );
  return JSON.stringify({
    kind: 'poison-record',
    reason: record.reason,
    message: record.message.slice(0, 1_000),
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    subSequenceNumber: record.subSequenceNumber ?? null,
    partitionKey: record.partitionKey,
    approximateArrivalTimestamp: record.approximateArrivalTimestamp,
    dataBytes: record.data.length,
    dataTruncated: truncated,
    data: data.toString('base64'),
  });
}

/** The late-events message of a late event. */
export function lateMessageBody(report: LateEventReport): string {
  return JSON.stringify({ kind: 'late-event', ...report });
}

async function sendAll<T>(
  client: SQSClient,
  queueUrl: string,
  items: readonly T[],
  bodyOf: (item: T) => string,
  reasonOf: (item: T) => string,
): Promise<T[]> {
  const failed: T[] = [];
  for (const batch of packSqsBatches(items, bodyOf)) {
    try {
      const response = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((item, i) => ({
            Id: String(i),
            MessageBody: bodyOf(item),
            MessageAttributes: { reason: { DataType: 'String', StringValue: reasonOf(item) } },
          })),
        }),
      );
      for (const entry of response.Failed ?? []) {
        const item = batch[Number(entry.Id)];
        if (item !== undefined) failed.push(item);
      }
    } catch (error) {
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'SQS SendMessageBatch failed',
          queueUrl,
          error: String(error),
        }),
      );
      failed.push(...batch);
    }
  }
  return failed;
}

/** Poison records to the dead-letter queue. */
export class SqsPoisonSink implements PoisonSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  sendPoison(records: readonly PoisonRecord[]): Promise<readonly PoisonRecord[]> {
    return sendAll(this.client, this.queueUrl, records, poisonMessageBody, (r) => r.reason);
  }
}

/** Late events to the late-events queue. */
export class SqsLateEventSink implements LateEventSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  sendLate(reports: readonly LateEventReport[]): Promise<readonly LateEventReport[]> {
    return sendAll(this.client, this.queueUrl, reports, lateMessageBody, (r) => r.reason);
  }
}
