/**
 * The AWS CLI against the local SQS and SNS endpoints: the strongest check that a standard client
 * other than the JS SDK (botocore, its own serializers and parsers) cannot tell them from AWS.
 * Skipped, with the reason printed, where no `aws` is installed (CI may lack it).
 */

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex } from '../../../../../infra/local/services/sqs/md5.ts';
import { type SnsHarness, startSnsHarness, uniqueName } from './harness.ts';

const run = promisify(execFile);

/** The CLI's executable; behind a pyenv shim, the real one (the shim costs a second a call). */
function cliPath(): string {
  try {
    return execFileSync('pyenv', ['which', 'aws'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'aws';
  }
}

const AWS = cliPath();

function cliVersion(): string | undefined {
  try {
    return execFileSync(AWS, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    }).trim();
  } catch {
    return undefined;
  }
}

const version = cliVersion();
if (version === undefined) console.log('aws-cli.test.ts skipped: no `aws` command on PATH');

describe.skipIf(version === undefined)(
  `SQS and SNS endpoints with the AWS CLI (${version ?? 'absent'})`,
  () => {
    let h: SnsHarness;
    beforeAll(async () => {
      h = await startSnsHarness();
    });
    afterAll(() => h.close());

    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      // Keep the user's profiles and config out of the run.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    // `--no-cli-pager` exists from CLI v2 on; v1 never pages.
    const pagerFlag = version?.startsWith('aws-cli/2') ? ['--no-cli-pager'] : [];

    /** Runs `aws <command> <rest...>`; `command` is split on spaces, `rest` is passed as is. */
    async function aws(
      endpoint: string,
      command: string,
      ...rest: string[]
    ): Promise<Record<string, unknown>> {
      const args = [...command.split(' '), ...rest, '--endpoint-url', endpoint];
      const { stdout } = await run(
        AWS,
        [...args, '--region', 'us-east-1', '--output', 'json', ...pagerFlag],
        { env, timeout: 30_000 },
      );
      return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
    }

    it('creates a queue, sends with attributes, receives, and fans out from a topic', async () => {
      // arrange
      const sqs = h.sqsServer.endpoint;
      const sns = h.snsServer.endpoint;
      const queueName = uniqueName('cli');
      const [created, topic] = await Promise.all([
        aws(sqs, `sqs create-queue --queue-name ${queueName} --attributes VisibilityTimeout=120`),
        aws(sns, `sns create-topic --name ${uniqueName('cli')}`),
      ]);
      const queueUrl = created.QueueUrl as string;
      const topicArn = topic.TopicArn as string;
      // act: independent calls run side by side (each CLI start costs about a second)
      const [sent, attributes] = await Promise.all([
        aws(
          sqs,
          `sqs send-message --queue-url ${queueUrl} --message-body`,
          'from the cli',
          '--message-attributes',
          '{"kind":{"DataType":"String","StringValue":"cli"}}',
        ),
        aws(sqs, `sqs get-queue-attributes --queue-url ${queueUrl} --attribute-names QueueArn`),
      ]);
      const queueArn = (attributes.Attributes as Record<string, string>).QueueArn!;
      const [received] = await Promise.all([
        aws(
          sqs,
          `sqs receive-message --queue-url ${queueUrl} --wait-time-seconds 1 --attribute-names All --message-attribute-names All`,
        ),
        aws(
          sns,
          `sns subscribe --topic-arn ${topicArn} --protocol sqs --notification-endpoint ${queueArn} --attributes RawMessageDelivery=true`,
        ),
      ]);
      const published = await aws(sns, `sns publish --topic-arn ${topicArn} --message`, 'via sns');
      const fannedOut = await h.collect(queueUrl, 1);
      // assert
      expect(queueUrl).toBe(`${sqs}/000000000000/${queueName}`);
      expect(sent.MD5OfMessageBody).toBe(md5Hex('from the cli'));
      const [message] = received.Messages as Array<Record<string, unknown>>;
      expect(message?.Body).toBe('from the cli');
      expect(message?.MessageAttributes).toEqual({
        kind: { DataType: 'String', StringValue: 'cli' },
      });
      expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
      expect(queueArn).toBe(`arn:aws:sqs:us-east-1:000000000000:${queueName}`);
      expect(published.MessageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(fannedOut).toEqual(['via sns']);
    });

    it("reports AWS's error codes", async () => {
      const missingTopic = 'arn:aws:sns:us-east-1:000000000000:missing';
      const [failure, snsFailure] = await Promise.all([
        aws(h.sqsServer.endpoint, `sqs get-queue-url --queue-name ${uniqueName('missing')}`).catch(
          (error: { stderr: string }) => error,
        ),
        aws(h.snsServer.endpoint, `sns publish --topic-arn ${missingTopic} --message x`).catch(
          (error: { stderr: string }) => error,
        ),
      ]);
      expect((failure as { stderr: string }).stderr).toMatch(/NonExistentQueue|QueueDoesNotExist/);
      expect((snsFailure as { stderr: string }).stderr).toMatch(/NotFound/);
    });
  },
);
