/**
 * The local stack: everything the pipeline needs, on loopback, in this process. It starts the
 * emulators and our AWS service endpoints, creates the resources of `infra/resources.ts`, and
 * hosts the unchanged handlers the way AWS does: ingest and query behind a local API Gateway,
 * the processor behind a local Kinesis event source mapping, the window sweep on an EventBridge
 * schedule. Handlers get an environment object holding exactly the variables the CDK app sets on
 * AWS, with local endpoints, so they cannot tell where they run.
 */

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createIngestHandler, ingestConfigFromEnv } from '../../ingest/handler.ts';
import { createSweepHandler } from '../../processors/closing/sweep-handler.ts';
import {
  createProcessorHandler,
  processorConfigFromEnv,
} from '../../processors/kinesis/handler.ts';
import { createQueryHandler, queryConfigFromEnv } from '../../processors/query/handler.ts';
import { dynamoDbClient, eventBridgeClient, kinesisClient, sqsClient } from '../aws-clients.ts';
import type { Env } from '../env.ts';
import { BUSES, PROCESSOR_ESM, STREAMS, TABLES } from '../resources.ts';
import { type AwsServices, startAwsServices } from './aws-services.ts';
import { startEmulators } from './emulators.ts';
import { type EndpointsFile, LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './endpoints.ts';
import { startApiGateway } from './hosting/api-gateway.ts';
import {
  type CheckpointStore,
  FileCheckpointStore,
  MemoryCheckpointStore,
} from './hosting/checkpoints.ts';
import {
  KinesisEventSource,
  type KinesisEventSourceProps,
} from './hosting/kinesis-event-source.ts';
import { type KinesisFaultProxy, startKinesisFaultProxy } from './kinesis-fault-proxy.ts';
import { provisionStreams, provisionTables } from './provision.ts';
import type { LambdaTarget } from './services/eventbridge/delivery.ts';

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Persist emulator state, service state and checkpoints here; in memory when absent. @default undefined */
  readonly dataDir?: string;
  /** Interface every server listens on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port of the local API; 0 picks a free one. @default 0 */
  readonly apiPort?: number;
  /** The API key the ingest endpoint accepts. @default a random key */
  readonly apiKey?: string;
  /**
   * Share (0..1) of the ingest handler's PutRecords entries the local Kinesis answers with
   * `ProvisionedThroughputExceededException`, through a fault-injecting proxy. @default 0 (no proxy)
   */
  readonly kinesisFailureRate?: number;
  /** Overrides of the processor's event source mapping settings (tests use small batches). */
  readonly processorEventSource?: Partial<
    Pick<
      KinesisEventSourceProps,
      | 'batchSize'
      | 'maxBatchingWindowMillis'
      | 'parallelizationFactor'
      | 'retryAttempts'
      | 'pollIntervalMillis'
    >
  >;
  /** Extra environment variables for the handlers (feature settings). */
  readonly handlerEnv?: Env;
  /** How often the window sweep runs; on AWS an EventBridge schedule of one minute. @default 60_000 */
  readonly sweepIntervalMillis?: number;
}

/** A running local stack. */
export interface LocalStack {
  readonly endpoints: EndpointsFile;
  /** The environment the handlers run with; point any SDK client at the stack with it. */
  readonly env: Env;
  readonly processorEventSource: KinesisEventSource;
  readonly services: AwsServices;
  /** The fault-injecting proxy in front of Kinesis, when `kinesisFailureRate` is above 0. */
  readonly kinesisFaults: KinesisFaultProxy | undefined;
  /** Stops everything: the poller first (in-flight batches finish), then servers and emulators. */
  close(): Promise<void>;
}

/** Starts the local stack; everything is ready when the promise resolves. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir;
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const emulators = await startEmulators({ host, ...(dataDir ? { dataDir } : {}) });
    cleanups.push(() => emulators.close());
    const lambdaTargets = new Map<string, LambdaTarget>();
    const services = await startAwsServices({
      host,
      lambdaTargets,
      ...(dataDir ? { dataDir } : {}),
    });
    cleanups.push(() => services.close());

    const env: Env = {
      ...LOCAL_CREDENTIALS,
      AWS_REGION: LOCAL_REGION,
      // The SDKs read AWS_REGION, the AWS CLI v1 only AWS_DEFAULT_REGION.
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoDbEndpoint,
      ...services.env,
      STREAM_NAME: STREAMS.telemetry.name,
      TABLE_NAME: TABLES.aggregates.name,
      DLQ_URL: services.queueUrls.processorDlq,
      LATE_EVENTS_QUEUE_URL: services.queueUrls.lateEvents,
      ARCHIVE_DELIVERY_STREAM: services.deliveryStreams.windowArchive,
      EVENT_BUS_NAME: services.busNames.anomalies,
      ALERTS_TOPIC_ARN: services.topicArns.alerts,
      REMEDIATION_QUEUE_URL: services.queueUrls.remediation,
      INGEST_API_KEYS: options.apiKey ?? randomBytes(16).toString('hex'),
      // The processor keeps sequence marks per shard at 1, per partition key above 1.
      PARALLELIZATION_FACTOR: String(
        options.processorEventSource?.parallelizationFactor ?? PROCESSOR_ESM.parallelizationFactor,
      ),
      ...options.handlerEnv,
    };

    // The poller retries its own calls (GetRecords is safe to repeat), as Lambda's does.
    const kinesis = kinesisClient(env, { maxAttempts: 5 });
    const dynamo = dynamoDbClient(env);
    const sqs = sqsClient(env);
    cleanups.push(async () => {
      for (const client of [kinesis, dynamo, sqs]) client.destroy();
    });
    await provisionStreams(kinesis);
    await provisionTables(dynamo);

    let kinesisFaults: KinesisFaultProxy | undefined;
    if ((options.kinesisFailureRate ?? 0) > 0) {
      kinesisFaults = await startKinesisFaultProxy({
        target: emulators.kinesisEndpoint,
        putRecordsFailureRate: options.kinesisFailureRate!,
        host,
      });
      cleanups.push(() => kinesisFaults!.close());
    }
    const ingestEnv = kinesisFaults
      ? { ...env, AWS_ENDPOINT_URL_KINESIS: kinesisFaults.endpoint }
      : env;

    const api = await startApiGateway({
      host,
      ...(options.apiPort ? { port: options.apiPort } : {}),
      routes: [
        {
          method: 'POST',
          path: '/v1/events',
          functionName: 'ingest',
          handler: createIngestHandler(ingestConfigFromEnv(ingestEnv)),
        },
        {
          method: 'GET',
          path: '/v1/aggregates',
          functionName: 'query',
          handler: createQueryHandler(queryConfigFromEnv(env)),
        },
      ],
    });
    cleanups.push(() => api.close());

    const processorEventSource = startProcessor(env, kinesis, sqs, options);
    await processorEventSource.start();
    cleanups.push(() => processorEventSource.stop());

    await scheduleSweep(env, lambdaTargets, options.sweepIntervalMillis);

    const endpoints = endpointsFile(env, api.url, emulators, services);
    return { endpoints, env, processorEventSource, services, kinesisFaults, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The processor behind its event source mapping, with the DLQ as on-failure destination. */
function startProcessor(
  env: Env,
  kinesis: ReturnType<typeof kinesisClient>,
  sqs: ReturnType<typeof sqsClient>,
  options: LocalStackOptions,
): KinesisEventSource {
  const checkpoints: CheckpointStore = options.dataDir
    ? new FileCheckpointStore(join(options.dataDir, 'checkpoints', 'processor.json'))
    : new MemoryCheckpointStore();
  return new KinesisEventSource({
    client: kinesis,
    streamName: STREAMS.telemetry.name,
    functionName: 'processor',
    handler: createProcessorHandler(processorConfigFromEnv(env)),
    checkpoints,
    batchSize: PROCESSOR_ESM.batchSize,
    maxBatchingWindowMillis: PROCESSOR_ESM.maxBatchingWindowSeconds * 1000,
    parallelizationFactor: PROCESSOR_ESM.parallelizationFactor,
    retryAttempts: PROCESSOR_ESM.retryAttempts,
    bisectBatchOnFunctionError: PROCESSOR_ESM.bisectBatchOnFunctionError,
    reportBatchItemFailures: PROCESSOR_ESM.reportBatchItemFailures,
    startingPosition: PROCESSOR_ESM.startingPosition,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    // As Lambda's SqsDlq destination does: the on-failure record, as JSON, is the message body.
    onFailure: async (record) => {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: env.DLQ_URL, MessageBody: JSON.stringify(record) }),
      );
    },
    ...options.processorEventSource,
  });
}

/**
 * The window sweep, as on AWS: an EventBridge schedule rule on the default bus whose target is
 * the sweep function. The local EventBridge invokes registered function ARNs itself.
 */
async function scheduleSweep(
  env: Env,
  lambdaTargets: Map<string, LambdaTarget>,
  intervalMillis = 60_000,
): Promise<void> {
  const sweep = createSweepHandler(processorConfigFromEnv(env));
  const arn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:window-sweep`;
  lambdaTargets.set(arn, (event) => sweep(event as Parameters<typeof sweep>[0]));
  const events = eventBridgeClient(env);
  try {
    const minutes = Math.max(1, Math.round(intervalMillis / 60_000));
    await events.send(
      new PutRuleCommand({
        Name: 'window-sweep',
        ScheduleExpression: `rate(${minutes} minute${minutes === 1 ? '' : 's'})`,
        State: 'ENABLED',
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: 'window-sweep', Targets: [{ Id: 'sweep', Arn: arn }] }),
    );
  } finally {
    events.destroy();
  }
}

function endpointsFile(
  env: Env,
  apiUrl: string,
  emulators: { kinesisEndpoint: string; dynamoDbEndpoint: string },
  services: AwsServices,
): EndpointsFile {
  return {
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    credentials: {
      accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
    ingest: { url: `${apiUrl}/v1/events`, apiKey: env.INGEST_API_KEYS!.split(',')[0]! },
    api: { url: apiUrl, aggregates: `${apiUrl}/v1/aggregates` },
    kinesis: {
      endpoint: emulators.kinesisEndpoint,
      streams: { telemetry: STREAMS.telemetry.name },
    },
    dynamodb: {
      endpoint: emulators.dynamoDbEndpoint,
      tables: { aggregates: TABLES.aggregates.name },
    },
    sqs: { endpoint: services.sqsEndpoint, queues: services.queueUrls },
    sns: { endpoint: services.snsEndpoint, topics: services.topicArns },
    eventbridge: {
      endpoint: services.eventBridgeEndpoint,
      buses: { anomalies: BUSES.anomalies.name },
    },
    firehose: {
      endpoint: services.firehoseEndpoint,
      deliveryStreams: services.deliveryStreams,
      archiveDir: services.archiveDir,
    },
    env: Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => entry[0].startsWith('AWS_') && entry[1] !== undefined,
      ),
    ),
  };
}
