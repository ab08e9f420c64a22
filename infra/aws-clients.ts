/**
 * AWS SDK v3 clients built from an environment object, so that one code path serves AWS and the
 * local stack: only `AWS_ENDPOINT_URL_<SERVICE>` (the SDK's own convention), the region and the
 * credentials differ. The local stack passes its own environment object instead of mutating
 * `process.env`, which lets several stacks live in one process (as the integration tests do).
 */

import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Env } from './env.ts';

/** Settings every client shares. */
interface CommonClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts: number;
  requestHandler: NodeHttpHandler;
}

/**
 * HTTP/1.1 with keep-alive for every client. Kinesis' SDK client defaults to HTTP/2, which
 * kinesalite cannot speak; HTTP/1.1 is equally valid against AWS for every call we make
 * (we do not use SubscribeToShard).
 */
function requestHandler(): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
  });
}

function common(service: string, env: Env): CommonClientConfig {
  const config: CommonClientConfig = {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 3,
    requestHandler: requestHandler(),
  };
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  if (endpoint) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return config;
}

/**
 * Kinesis client. By default the SDK makes one attempt: the ingest path retries failed entries
 * itself, and an SDK retry of a whole PutRecords on top would multiply attempts. Readers (the
 * event source mapping) pass a higher `maxAttempts`.
 */
export function kinesisClient(
  env: Env = process.env,
  options: { readonly maxAttempts?: number } = {},
): KinesisClient {
  return new KinesisClient({ ...common('KINESIS', env), maxAttempts: options.maxAttempts ?? 1 });
}

export function dynamoDbClient(env: Env = process.env): DynamoDBClient {
  return new DynamoDBClient(common('DYNAMODB', env));
}

export function sqsClient(env: Env = process.env): SQSClient {
  return new SQSClient(common('SQS', env));
}

export function snsClient(env: Env = process.env): SNSClient {
  return new SNSClient(common('SNS', env));
}

export function eventBridgeClient(env: Env = process.env): EventBridgeClient {
  return new EventBridgeClient(common('EVENTBRIDGE', env));
}

export function firehoseClient(env: Env = process.env): FirehoseClient {
  return new FirehoseClient(common('FIREHOSE', env));
}
