/**
 * The local Firehose endpoint through the unchanged AWS SDK v3 client: every action, its errors,
 * and delivery into files by size, by interval and on close, laid out as Firehose lays out S3.
 */

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
} from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type LocalFirehose,
  startFirehose,
} from '../../../../support/local-services.ts';

let dataDir: string;
let firehose: LocalFirehose;
const delivered: string[] = [];
const waiters: (() => void)[] = [];

const OBJECT_PATH =
  /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/([\w.-]+)-1-\1-\2-\3-\4-\d{2}-\d{2}-[0-9a-f-]{36}$/;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'firehose-test-'));
  firehose = await startFirehose({
    dataDir,
    bufferIntervalMillis: 300,
    onDelivered: (path) => {
      delivered.push(path);
      for (const wake of waiters.splice(0)) wake();
    },
  });
});

afterAll(async () => {
  await firehose.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Waits until an object of `stream` has been written, and returns its paths. */
async function objectsOf(stream: string, count = 1, timeoutMillis = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMillis;
  const mine = () =>
    delivered.filter((p) => relative(join(dataDir, 'firehose', stream), p).match(OBJECT_PATH));
  while (mine().length < count) {
    if (Date.now() > deadline) throw new Error(`no object for ${stream}`);
    await new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, 100);
    });
  }
  return mine();
}

async function create(name: string, hints?: { SizeInMBs: number; IntervalInSeconds: number }) {
  return firehose.client.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::000000000000:role/firehose',
        BucketARN: 'arn:aws:s3:::window-archive',
        ...(hints === undefined ? {} : { BufferingHints: hints }),
      },
    }),
  );
}

describe('CreateDeliveryStream and DescribeDeliveryStream', () => {
  it('creates a stream and describes it as ACTIVE with its buffering hints', async () => {
    const out = await create('window-archive', { SizeInMBs: 1, IntervalInSeconds: 60 });
    expect(out.DeliveryStreamARN).toBe(
      'arn:aws:firehose:us-east-1:000000000000:deliverystream/window-archive',
    );
    const { DeliveryStreamDescription: d } = await firehose.client.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'window-archive' }),
    );
    expect(d).toMatchObject({
      DeliveryStreamName: 'window-archive',
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
    });
    expect(d?.CreateTimestamp).toBeInstanceOf(Date);
    expect(d?.Destinations?.[0]?.ExtendedS3DestinationDescription?.BufferingHints).toEqual({
      SizeInMBs: 1,
      IntervalInSeconds: 60,
    });
  });

  it('answers ResourceInUseException for a second stream of the same name', async () => {
    await expect(create('window-archive')).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
  });

  it('answers ResourceNotFoundException for an unknown stream', async () => {
    await expect(
      firehose.client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'nope' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      firehose.client.send(
        new PutRecordCommand({ DeliveryStreamName: 'nope', Record: { Data: Buffer.from('x') } }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('rejects buffering hints out of range with ValidationException', async () => {
    await expect(
      create('bad-hints', { SizeInMBs: 129, IntervalInSeconds: 60 }),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('PutRecord and PutRecordBatch', () => {
  it('answers a RecordId per record and writes the records concatenated, after the interval', async () => {
    await create('by-interval');
    const one = await firehose.client.send(
      new PutRecordCommand({
        DeliveryStreamName: 'by-interval',
        Record: { Data: Buffer.from('{"a":1}\n') },
      }),
    );
    expect(one.RecordId).toMatch(/^[0-9a-f]{56}$/);
    const batch = await firehose.client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'by-interval',
        Records: [
          { Data: Buffer.from('{"b":2}\n') },
          { Data: Buffer.from('no-newline') },
          { Data: new Uint8Array([0, 255]) },
        ],
      }),
    );
    expect(batch.FailedPutCount).toBe(0);
    expect(batch.RequestResponses).toHaveLength(3);
    expect(new Set(batch.RequestResponses?.map((r) => r.RecordId)).size).toBe(3);

    const [path] = await objectsOf('by-interval');
    const content = await readFile(path!);
    expect(
      content.equals(
        Buffer.concat([Buffer.from('{"a":1}\n{"b":2}\nno-newline'), Buffer.from([0, 255])]),
      ),
    ).toBe(true);
  });

  it('lays objects out under <dataDir>/firehose/<stream>/YYYY/MM/DD/HH/', async () => {
    const root = join(dataDir, 'firehose', 'by-interval');
    const files = await readdir(root, { recursive: true, withFileTypes: true });
    const objects = files
      .filter((f) => f.isFile())
      .map((f) => relative(root, join(f.parentPath, f.name)));
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(object).toMatch(OBJECT_PATH);
  });
});

describe('delivery with a long interval', () => {
  let dir: string;
  let slow: LocalFirehose;
  const written: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firehose-slow-'));
    slow = await startFirehose({
      dataDir: dir,
      bufferIntervalMillis: 60_000,
      onDelivered: (p) => written.push(p),
    });
    for (const name of ['by-size', 'on-close']) {
      await slow.client.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: name,
          ExtendedS3DestinationConfiguration: {
            RoleARN: 'arn:aws:iam::000000000000:role/firehose',
            BucketARN: 'arn:aws:s3:::window-archive',
            BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 900 },
          },
        }),
      );
    }
  });

  afterAll(async () => {
    await slow.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an object as soon as the buffer reaches its size hint (1 MiB), not before', async () => {
    const half = Buffer.alloc(512 * 1024, 'a');
    const put = () =>
      slow.client.send(
        new PutRecordBatchCommand({ DeliveryStreamName: 'by-size', Records: [{ Data: half }] }),
      );
    await put();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(written.filter((p) => p.includes('by-size'))).toEqual([]);
    await put();
    await eventually(() => written.some((p) => p.includes('by-size')));
    const [path] = written.filter((p) => p.includes('by-size'));
    expect((await readFile(path!)).length).toBe(1024 * 1024);
  });

  it('writes what is buffered when the server closes', async () => {
    await slow.client.send(
      new PutRecordCommand({
        DeliveryStreamName: 'on-close',
        Record: { Data: Buffer.from('last') },
      }),
    );
    expect(written.some((p) => p.includes('on-close'))).toBe(false);
    await slow.server.close();
    const [path] = written.filter((p) => p.includes('on-close'));
    expect(relative(join(dir, 'firehose', 'on-close'), path!)).toMatch(OBJECT_PATH);
    expect(await readFile(path!, 'utf8')).toBe('last');
  });
});
