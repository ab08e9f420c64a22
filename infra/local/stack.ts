/**
 * The local stack: everything the pipeline needs, on loopback, in this process. It starts the
 * emulators, creates the resources of `infra/resources.ts`, and hosts the unchanged handlers the
 * way AWS does: the ingest and query handlers behind a local API Gateway, the processor behind a
 * local Kinesis event source mapping. Handlers get an environment object, exactly the variables
 * the CDK app sets on AWS with local endpoints, so they cannot tell where they run.
 */

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createIngestHandler, ingestConfigFromEnv } from '../../ingest/handler.ts';
import {
  createProcessorHandler,
  processorConfigFromEnv,
} from '../../processors/kinesis/handler.ts';
import { dynamoDbClient, kinesisClient } from '../aws-clients.ts';
import type { Env } from '../env.ts';
import { PROCESSOR_ESM, STREAMS, TABLES } from '../resources.ts';
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
import { provisionStreams, provisionTables } from './provision.ts';

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Persist emulator state and checkpoints here; in memory when absent. @default undefined */
  readonly dataDir?: string;
  /** Interface every server listens on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port of the local API; 0 picks a free one. @default 0 */
  readonly apiPort?: number;
  /** The API key the ingest endpoint accepts. @default a random key */
  readonly apiKey?: string;
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
}

/** A running local stack. */
export interface LocalStack {
  readonly endpoints: EndpointsFile;
  /** The environment the handlers run with; point any SDK client at the stack with it. */
  readonly env: Env;
  readonly processorEventSource: KinesisEventSource;
  /** Stops everything: the poller first (in-flight batches finish), then servers and emulators. */
  close(): Promise<void>;
}

/** Starts the local stack; everything is ready when the promise resolves. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const emulators = await startEmulators({
      host,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    cleanups.push(() => emulators.close());

    const env: Env = {
      ...LOCAL_CREDENTIALS,
      AWS_REGION: LOCAL_REGION,
      AWS_ENDPOINT_URL_KINESIS: emulators.kinesisEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoDbEndpoint,
      STREAM_NAME: STREAMS.telemetry.name,
      TABLE_NAME: TABLES.aggregates.name,
      INGEST_API_KEYS: options.apiKey ?? randomBytes(16).toString('hex'),
      ...options.handlerEnv,
    };

    const kinesis = kinesisClient({ ...env });
    const dynamo = dynamoDbClient(env);
    cleanups.push(async () => {
      kinesis.destroy();
      dynamo.destroy();
    });
    await provisionStreams(kinesis);
    await provisionTables(dynamo);

    const api = await startApiGateway({
      host,
      ...(options.apiPort ? { port: options.apiPort } : {}),
      routes: [
        {
          method: 'POST',
          path: '/v1/events',
          functionName: 'ingest',
          handler: createIngestHandler(ingestConfigFromEnv(env)),
        },
      ],
    });
    cleanups.push(() => api.close());

    const checkpoints: CheckpointStore = options.dataDir
      ? new FileCheckpointStore(join(options.dataDir, 'checkpoints', 'processor.json'))
      : new MemoryCheckpointStore();
    const processorEventSource = new KinesisEventSource({
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
      ...options.processorEventSource,
    });
    await processorEventSource.start();
    cleanups.push(() => processorEventSource.stop());

    const endpoints: EndpointsFile = {
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      credentials: {
        accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
      },
      ingest: { url: `${api.url}/v1/events`, apiKey: env.INGEST_API_KEYS!.split(',')[0]! },
      api: { url: api.url },
      kinesis: {
        endpoint: emulators.kinesisEndpoint,
        streams: { telemetry: STREAMS.telemetry.name },
      },
      dynamodb: {
        endpoint: emulators.dynamoDbEndpoint,
        tables: { aggregates: TABLES.aggregates.name },
      },
      env: Object.fromEntries(
        Object.entries(env).filter(([name]) => name.startsWith('AWS_')),
      ) as Record<string, string>,
    };
    return { endpoints, env, processorEventSource, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
