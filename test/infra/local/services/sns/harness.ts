/** Shared set-up of the SNS endpoint tests: SQS and SNS servers and SDK v3 clients for them. */

import type { SNSClient } from '@aws-sdk/client-sns';
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SnsServer } from '../../../../../infra/local/services/sns/server.ts';
import type { SqsServer } from '../../../../../infra/local/services/sqs/server.ts';
import { createQueue, startSns, startSqs, uniqueName } from '../../../../support/local-services.ts';

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

/** Starts SQS, then SNS delivering to it. */
export async function startSnsHarness(
  options: { onDeliveryError?: (error: unknown) => void } = {},
): Promise<SnsHarness> {
  const sqs = await startSqs();
  const sns = await startSns({ sqsEndpoint: sqs.server.endpoint, ...options });
  return {
    sqsServer: sqs.server,
    snsServer: sns.server,
    sqs: sqs.client,
    sns: sns.client,
    queue: (attributes = {}) => createQueue(sqs.client, uniqueName('sub'), attributes),
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
      await sns.close();
      await sqs.close();
    },
  };
}
