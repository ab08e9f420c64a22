/**
 * Test support for the local AWS endpoints (`infra/local/services`): each endpoint started on a
 * free loopback port with an unchanged AWS SDK v3 client pointed at it, and the few set-ups and
 * waits their tests share. What a test checks stays in the test; these only arrange.
 *
 * @example
 * let sqs: LocalSqs;
 * beforeAll(async () => {
 *   sqs = await startSqs();
 * });
 * afterAll(() => sqs.close());
 */

import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  type EventBridgeServer,
  type EventBridgeServerOptions,
  startEventBridgeServer,
} from '../../infra/local/services/eventbridge/server.ts';
import {
  type FirehoseServer,
  type FirehoseServerOptions,
  startFirehoseServer,
} from '../../infra/local/services/firehose/server.ts';
import {
  type SnsServer,
  type SnsServerOptions,
  startSnsServer,
} from '../../infra/local/services/sns/server.ts';
import {
  type SqsServer,
  type SqsServerOptions,
  startSqsServer,
} from '../../infra/local/services/sqs/server.ts';

/** Credentials for the local endpoints, which check no signature. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** What every endpoint test's client is given: `us-east-1`, test credentials, a plain HTTP handler. */
export function localClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  };
}

/** An SQS client for `endpoint`; `extra` overrides (a protocol, `maxAttempts`). */
export function sqsClientFor(endpoint: string, extra: Partial<SQSClientConfig> = {}): SQSClient {
  return new SQSClient({ ...localClientConfig(endpoint), ...extra });
}

/** An SNS client for `endpoint`. */
export function snsClientFor(endpoint: string): SNSClient {
  return new SNSClient(localClientConfig(endpoint));
}

/** An EventBridge client for `endpoint`; `extra` overrides (e.g. `maxAttempts: 1`). */
export function eventBridgeClientFor(
  endpoint: string,
  extra: Partial<EventBridgeClientConfig> = {},
): EventBridgeClient {
  return new EventBridgeClient({ ...localClientConfig(endpoint), ...extra });
}

/** A Firehose client for `endpoint`. */
export function firehoseClientFor(endpoint: string): FirehoseClient {
  return new FirehoseClient(localClientConfig(endpoint));
}

/** A started endpoint and a client for it. */
export interface LocalService<S, C> {
  readonly server: S;
  readonly client: C;
  /** Destroys the client, then closes the server. */
  close(): Promise<void>;
}

/** The started endpoints, by service. */
export type LocalSqs = LocalService<SqsServer, SQSClient>;
export type LocalSns = LocalService<SnsServer, SNSClient>;
export type LocalEventBridge = LocalService<EventBridgeServer, EventBridgeClient>;
export type LocalFirehose = LocalService<FirehoseServer, FirehoseClient>;

function withClient<S extends { close(): Promise<void> }, C extends { destroy(): void }>(
  server: S,
  client: C,
): LocalService<S, C> {
  return {
    server,
    client,
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

/** Starts a local SQS on a free port, with a client. */
export async function startSqs(options: SqsServerOptions = {}): Promise<LocalSqs> {
  const server = await startSqsServer(options);
  return withClient(server, sqsClientFor(server.endpoint));
}

/** Starts a local SNS delivering to `options.sqsEndpoint`, with a client. */
export async function startSns(options: SnsServerOptions): Promise<LocalSns> {
  const server = await startSnsServer(options);
  return withClient(server, snsClientFor(server.endpoint));
}

/** Starts a local EventBridge on a free port, with a client. */
export async function startEventBridge(
  options: EventBridgeServerOptions = {},
): Promise<LocalEventBridge> {
  const server = await startEventBridgeServer(options);
  return withClient(server, eventBridgeClientFor(server.endpoint));
}

/** Starts a local Firehose writing under `options.dataDir`, with a client. */
export async function startFirehose(options: FirehoseServerOptions): Promise<LocalFirehose> {
  const server = await startFirehoseServer(options);
  return withClient(server, firehoseClientFor(server.endpoint));
}

let counter = 0;
/** A name unique within the run, so tests sharing a server do not meet. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Creates a queue; answers its URL and ARN. */
export async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** The body of the first message on `queueUrl`, long polling up to 5 s; throws if none comes. */
export async function receiveOne(client: SQSClient, queueUrl: string): Promise<string> {
  const out = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
  );
  const body = out.Messages?.[0]?.Body;
  if (body === undefined) throw new Error(`no message on ${queueUrl}`);
  return body;
}

/**
 * Polls `condition` every 20 ms until it holds; throws, quoting the condition, once
 * `timeoutMillis` have passed. For what the endpoints do after answering (deliveries, schedules).
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMillis = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMillis} ms: ${String(condition)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
