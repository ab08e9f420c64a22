/** Delivery streams survive a restart of the local Firehose, and objects of both runs remain. */

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  PutRecordCommand,
} from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFirehose } from '../../../../support/local-services.ts';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'firehose-persist-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function objectCount(stream: string): Promise<number> {
  const entries = await readdir(join(dataDir, 'firehose', stream), {
    recursive: true,
    withFileTypes: true,
  });
  return entries.filter((e) => e.isFile()).length;
}

describe('Firehose persistence', () => {
  it('reopens the streams of an earlier run from <dataDir>/firehose/state.json', async () => {
    const first = await startFirehose({ dataDir });
    await first.client.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'window-archive',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/firehose',
          BucketARN: 'arn:aws:s3:::archive',
          Prefix: 'windows/',
          BufferingHints: { SizeInMBs: 2, IntervalInSeconds: 120 },
        },
      }),
    );
    await first.client.send(
      new PutRecordCommand({
        DeliveryStreamName: 'window-archive',
        Record: { Data: Buffer.from('run 1') },
      }),
    );
    await first.close();
    expect(await objectCount('window-archive')).toBe(1);

    const second = await startFirehose({ dataDir });
    const { DeliveryStreamDescription: d } = await second.client.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'window-archive' }),
    );
    expect(d?.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
      Prefix: 'windows/',
      BufferingHints: { SizeInMBs: 2, IntervalInSeconds: 120 },
    });
    await second.client.send(
      new PutRecordCommand({
        DeliveryStreamName: 'window-archive',
        Record: { Data: Buffer.from('run 2') },
      }),
    );
    await second.close();
    expect(await objectCount('window-archive')).toBe(2);
    expect(await readdir(join(dataDir, 'firehose', 'window-archive'))).toEqual(['windows']);
  });
});
