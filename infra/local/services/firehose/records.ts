/**
 * PutRecord / PutRecordBatch input: base64 blobs decoded and checked against Firehose's limits
 * with Firehose's errors: more than 500 records or a record above 1,000 KiB fail model
 * validation (`ValidationException`), a batch above 4 MiB of data is an
 * `InvalidArgumentException` ("Records size exceeds 4 MB limit").
 */

import { FIREHOSE } from '../../../limits.ts';
import { FIREHOSE_ERRORS as E } from './errors.ts';

/** Decodes one `Record` (`{ Data: base64 }`); `member` names it in errors (`record`, `records.3.member`). */
export function decodeRecord(record: unknown, member: string): Buffer {
  const data = (record as { Data?: unknown } | null)?.Data;
  if (typeof data !== 'string') {
    throw E.validation(`${member}.data`, 'Member must not be null', 'Value null');
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > FIREHOSE.maxRecordBytes) {
    throw E.validation(
      `${member}.data`,
      `Member must have length less than or equal to ${FIREHOSE.maxRecordBytes}`,
      `Value with ${bytes.length} bytes`,
    );
  }
  return bytes;
}

/** Decodes and checks a PutRecordBatch `Records` list. */
export function decodeBatch(records: unknown): Buffer[] {
  if (!Array.isArray(records))
    throw E.validation('records', 'Member must not be null', 'Value null');
  if (records.length < 1 || records.length > FIREHOSE.maxRecordsPerPutRecordBatch) {
    const constraint =
      records.length < 1
        ? 'Member must have length greater than or equal to 1'
        : `Member must have length less than or equal to ${FIREHOSE.maxRecordsPerPutRecordBatch}`;
    throw E.validation('records', constraint, `Value with ${records.length} elements`);
  }
  // Records are numbered from 1 in AWS's validation messages.
  const decoded = records.map((record, i) => decodeRecord(record, `records.${i + 1}.member`));
  const total = decoded.reduce((sum, bytes) => sum + bytes.length, 0);
  if (total > FIREHOSE.maxBytesPerPutRecordBatch) {
    throw E.invalidArgument('Records size exceeds 4 MB limit');
  }
  return decoded;
}
