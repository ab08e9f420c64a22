import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { kinesisClient, sqsClient } from '../../../../infra/aws-clients.ts';
import type { EndpointsFile } from '../../../../infra/local/endpoints.ts';
import { QUEUES, STREAMS } from '../../../../infra/resources.ts';
import { waitFor } from '../../../support/kinesis-stream.ts';

const run = promisify(execFile);
let dir: string;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function awsCliVersion(): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run('aws', ['--version'], { timeout: 20_000 });
    return (stdout || stderr).trim();
  } catch {
    return undefined;
  }
}

describe('npm run stack', () => {
  it('writes the endpoints file once ready, serves SDK clients and the AWS CLI, and stops on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'stack-cli-'));
    const file = join(dir, 'endpoints.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/local/cli/stack.ts', '--endpoints-file', file],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      let endpoints: EndpointsFile | undefined;
      await waitFor(
        () => endpoints !== undefined,
        'the endpoints file',
        60_000,
        async () => {
          endpoints = await readFile(file, 'utf8')
            .then((text) => JSON.parse(text) as EndpointsFile)
            .catch(() => undefined);
        },
      );
      const e = endpoints!;
      // stdout carries the same document.
      await waitFor(() => stdout.trim().endsWith('}'), 'the endpoints on stdout');
      expect(JSON.parse(stdout)).toEqual(e);
      expect(e.ingest.apiKey).toMatch(/^[0-9a-f]{32}$/);
      expect(e.kinesis.streams.telemetry).toBe(STREAMS.telemetry.name);

      const kinesis = kinesisClient(e.env);
      const sqs = sqsClient(e.env);
      const { StreamNames } = await kinesis.send(new ListStreamsCommand({}));
      const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
      kinesis.destroy();
      sqs.destroy();
      expect(StreamNames).toContain(STREAMS.telemetry.name);
      expect(QueueUrls).toContain(e.sqs.queues.processorDlq);
      expect(e.sqs.queues.processorDlq).toMatch(new RegExp(`/${QUEUES.processorDlq.name}$`));

      const version = await awsCliVersion();
      if (version === undefined) {
        console.log('skipping the AWS CLI check: no `aws` on this machine');
      } else {
        const { stdout: streams } = await run(
          'aws',
          ['kinesis', 'list-streams', '--endpoint-url', e.kinesis.endpoint, '--output', 'json'],
          { env: { ...process.env, ...e.env }, timeout: 30_000 },
        );
        expect(JSON.parse(streams).StreamNames).toContain(STREAMS.telemetry.name);
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
