/** Delivery streams survive a restart of the local Firehose, and objects of both runs remain. */

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  PutRecordCommand,
} from '@aws-sdk/client-firehose';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFirehoseServer } from '../../../../../infra/local/services/firehose/server.ts';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'firehose-persist-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function clientFor(endpoint: string): FirehoseClient {
  return new FirehoseClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
}

async function objectCount(stream: string): Promise<number> {
  const entries = await readdir(join(dataDir, 'firehose', stream), {
    recursive: true,
    withFileTypes: true,
  });
  return entries.filter((e) => e.isFile()).length;
}

describe('Firehose persistence', () => {
  it('reopens the streams of an earlier run from <dataDir>/firehose/state.json', async () => {
    const first = await startFirehoseServer({ dataDir });
    const c1 = clientFor(first.endpoint);
    await c1.send(
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
    await c1.send(
      new PutRecordCommand({
        DeliveryStreamName: 'window-archive',
        Record: { Data: Buffer.from('run 1') },
      }),
    );
    c1.destroy();
    await first.close();
    expect(await objectCount('window-archive')).toBe(1);

    const second = await startFirehoseServer({ dataDir });
    const c2 = clientFor(second.endpoint);
    const { DeliveryStreamDescription: d } = await c2.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'window-archive' }),
    );
    expect(d?.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
      Prefix: 'windows/',
      BufferingHints: { SizeInMBs: 2, IntervalInSeconds: 120 },
    });
    await c2.send(
      new PutRecordCommand({
        DeliveryStreamName: 'window-archive',
        Record: { Data: Buffer.from('run 2') },
      }),
    );
    c2.destroy();
    await second.close();
    expect(await objectCount('window-archive')).toBe(2);
    expect(await readdir(join(dataDir, 'firehose', 'window-archive'))).toEqual(['windows']);
  });
});
