import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../../infra/aws-clients.ts';
import { type Emulators, startEmulators } from '../../../infra/local/emulators.ts';
import {
  type KinesisFaultProxy,
  startKinesisFaultProxy,
} from '../../../infra/local/kinesis-fault-proxy.ts';
import { createStream } from '../../ingest/support.ts';

const CREDENTIALS = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};
let emulators: Emulators;
let direct: KinesisClient;
const proxies: KinesisFaultProxy[] = [];
const clients: KinesisClient[] = [];

async function proxied(
  rate: number,
  seed = 1,
): Promise<{ proxy: KinesisFaultProxy; client: KinesisClient }> {
  const proxy = await startKinesisFaultProxy({
    target: emulators.kinesisEndpoint,
    putRecordsFailureRate: rate,
    seed,
  });
  const client = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: proxy.endpoint });
  proxies.push(proxy);
  clients.push(client);
  return { proxy, client };
}

async function storedData(stream: string): Promise<string[]> {
  const it = await direct.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const page = await direct.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
  return (page.Records ?? []).map((r) => Buffer.from(r.Data!).toString());
}

beforeAll(async () => {
  emulators = await startEmulators();
  direct = kinesisClient({ ...CREDENTIALS, AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  direct?.destroy();
  for (const p of proxies) await p.close();
  await emulators?.close();
});

const entries = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`r${i}`) }));

describe('startKinesisFaultProxy', () => {
  it('writes exactly the entries it reports as written, and none it reports as failed', async () => {
    // arrange
    await createStream(direct, 'fault-half', 1);
    const { proxy, client } = await proxied(0.5, 42);
    // act
    const out = await client.send(
      new PutRecordsCommand({ StreamName: 'fault-half', Records: entries(200) }),
    );
    // assert
    const results = out.Records ?? [];
    expect(results).toHaveLength(200);
    const written = results.flatMap((r, i) => (r.SequenceNumber ? [`r${i}`] : []));
    const failed = results.filter((r) => r.ErrorCode === 'ProvisionedThroughputExceededException');
    expect(written.length + failed.length).toBe(200);
    expect(failed.length).toBeGreaterThan(50);
    expect(failed.length).toBeLessThan(150);
    expect(out.FailedRecordCount).toBe(failed.length);
    expect((await storedData('fault-half')).sort()).toEqual(written.sort());
    expect(proxy.stats).toMatchObject({ putRecordsEntries: 200, injectedFailures: failed.length });
    expect(proxy.stats.calls.PutRecords).toBe(1);
  });

  it('fails every entry at rate 1 without forwarding any', async () => {
    await createStream(direct, 'fault-all', 1);
    const { client } = await proxied(1);
    const out = await client.send(
      new PutRecordsCommand({ StreamName: 'fault-all', Records: entries(5) }),
    );
    expect(out.FailedRecordCount).toBe(5);
    expect(await storedData('fault-all')).toEqual([]);
  });

  it('passes other calls and call-level errors through', async () => {
    const { client } = await proxied(0.5);
    await expect(
      client.send(new PutRecordsCommand({ StreamName: 'missing', Records: entries(10) })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('chooses the same entries for the same seed', async () => {
    await createStream(direct, 'fault-seed', 1);
    const a = await proxied(0.3, 9);
    const b = await proxied(0.3, 9);
    const codes = async (client: KinesisClient) =>
      (
        (
          await client.send(
            new PutRecordsCommand({ StreamName: 'fault-seed', Records: entries(50) }),
          )
        ).Records ?? []
      ).map((r) => r.ErrorCode ?? 'ok');
    expect(await codes(a.client)).toEqual(await codes(b.client));
  });

  it('refuses a rate outside [0, 1]', async () => {
    await expect(
      startKinesisFaultProxy({ target: emulators.kinesisEndpoint, putRecordsFailureRate: 1.5 }),
    ).rejects.toThrow(/\[0, 1\]/);
  });
});
