/** Shared set-up of the SNS endpoint tests: SQS and SNS servers and SDK v3 clients for them. */

import { SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type SnsServer, startSnsServer } from '../../../../../infra/local/services/sns/server.ts';
import type { SqsServer } from '../../../../../infra/local/services/sqs/server.ts';
import { credentials, startSqs, uniqueName } from '../sqs/harness.ts';

export { uniqueName };

/** The running pair and their clients. */
export interface SnsHarness {
  readonly sqsServer: SqsServer;
  readonly snsServer: SnsServer;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** Creates a queue; returns its URL and ARN. */
  queue(attributes?: Record<string, string>): Promise<{ url: string; arn: string }>;
  /** Receives what arrives within `waitSeconds` (long poll), up to 10 messages. */
  receive(url: string, waitSeconds?: number): Promise<Message[]>;
  /**
   * Receives (and deletes nothing) until `count` messages have arrived or `timeoutMillis` passed,
   * then returns their bodies sorted. Deliveries are asynchronous, as on AWS.
   */
  collect(url: string, count: number, timeoutMillis?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSns(
  options: { onDeliveryError?: (error: unknown) => void } = {},
): Promise<SnsHarness> {
  const sqs = await startSqs();
  const snsServer = await startSnsServer({ sqsEndpoint: sqs.server.endpoint, ...options });
  const sns = new SNSClient({
    endpoint: snsServer.endpoint,
    region: 'us-east-1',
    credentials,
    requestHandler: new NodeHttpHandler(),
  });
  return {
    sqsServer: sqs.server,
    snsServer,
    sqs: sqs.client,
    sns,
    async queue(attributes = {}) {
      const url = (
        await sqs.client.send(
          new CreateQueueCommand({ QueueName: uniqueName('sub'), Attributes: attributes }),
        )
      ).QueueUrl!;
      const arn = (
        await sqs.client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
        )
      ).Attributes!.QueueArn!;
      return { url, arn };
    },
    async receive(url, waitSeconds = 2) {
      const { Messages } = await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          WaitTimeSeconds: waitSeconds,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
        }),
      );
      return Messages ?? [];
    },
    async collect(url, count, timeoutMillis = 5_000) {
      const deadline = Date.now() + timeoutMillis;
      const bodies: string[] = [];
      while (bodies.length < count && Date.now() < deadline) {
        const { Messages } = await sqs.client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            WaitTimeSeconds: 1,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 60,
          }),
        );
        bodies.push(...(Messages ?? []).map((m) => m.Body ?? ''));
      }
      return bodies.sort();
    },
    async close() {
      sns.destroy();
      await snsServer.close();
      await sqs.close();
    },
  };
}
