/**
 * PutRecordBatch and PutRecord limits at their exact edges through the SDK: 500 records pass,
 * 501 fail; 4 MiB of data passes, one byte more fails; a 1,000 KiB record passes, one byte more
 * fails. Each error is the one Firehose answers.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type _Record,
  CreateDeliveryStreamCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
} from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREHOSE } from '../../../../../infra/limits.ts';
import { type LocalFirehose, startFirehose } from '../../../../support/local-services.ts';

let dataDir: string;
let firehose: LocalFirehose;
const STREAM = 'limits';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'firehose-limits-'));
  firehose = await startFirehose({ dataDir });
  await firehose.client.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: STREAM }));
});

afterAll(async () => {
  await firehose.close();
  await rm(dataDir, { recursive: true, force: true });
});

const records = (n: number, bytes = 1): _Record[] =>
  Array.from({ length: n }, () => ({ Data: Buffer.alloc(bytes, 'r') }));
const batch = (Records: _Record[]) =>
  firehose.client.send(new PutRecordBatchCommand({ DeliveryStreamName: STREAM, Records }));

/** Records holding exactly `total` bytes, none above the per-record limit. */
function recordsTotalling(total: number): _Record[] {
  const out: _Record[] = [];
  for (let left = total; left > 0; left -= FIREHOSE.maxRecordBytes) {
    out.push({ Data: Buffer.alloc(Math.min(left, FIREHOSE.maxRecordBytes), 'z') });
  }
  return out;
}

describe('PutRecordBatch record count', () => {
  it('accepts 500 records with one result each', async () => {
    const out = await batch(records(FIREHOSE.maxRecordsPerPutRecordBatch));
    expect(out.FailedPutCount).toBe(0);
    expect(out.RequestResponses).toHaveLength(500);
  });
  it('refuses 501 with ValidationException', async () => {
    await expect(batch(records(501))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('less than or equal to 500'),
    });
  });
});

describe('PutRecordBatch total size', () => {
  it('accepts exactly 4 MiB of data', async () => {
    const out = await batch(recordsTotalling(FIREHOSE.maxBytesPerPutRecordBatch));
    expect(out.FailedPutCount).toBe(0);
  });
  it('refuses 4 MiB + 1 byte with InvalidArgumentException', async () => {
    await expect(
      batch(recordsTotalling(FIREHOSE.maxBytesPerPutRecordBatch + 1)),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentException',
      message: 'Records size exceeds 4 MB limit',
    });
  });
});

describe('record size', () => {
  it('accepts a 1,000 KiB record in a batch and alone', async () => {
    expect((await batch(records(1, FIREHOSE.maxRecordBytes))).FailedPutCount).toBe(0);
    const one = await firehose.client.send(
      new PutRecordCommand({
        DeliveryStreamName: STREAM,
        Record: { Data: Buffer.alloc(FIREHOSE.maxRecordBytes) },
      }),
    );
    expect(one.RecordId).toBeDefined();
  });
  it('refuses one byte more with ValidationException naming the record', async () => {
    await expect(
      batch([...records(2), ...records(1, FIREHOSE.maxRecordBytes + 1)]),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'records.3.member.data'"),
    });
    await expect(
      firehose.client.send(
        new PutRecordCommand({
          DeliveryStreamName: STREAM,
          Record: { Data: Buffer.alloc(FIREHOSE.maxRecordBytes + 1) },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'record.data'"),
    });
  });
});
