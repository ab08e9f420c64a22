/**
 * Our loopback SQS, SNS, EventBridge and Firehose endpoints (`infra/local/services/`), started
 * together, with the queues, topic, bus and delivery stream of `infra/resources.ts` created
 * through the ordinary SDK clients, exactly as a user would against AWS.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, ResourceAlreadyExistsException } from '@aws-sdk/client-eventbridge';
import { CreateDeliveryStreamCommand, ResourceInUseException } from '@aws-sdk/client-firehose';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { eventBridgeClient, firehoseClient, snsClient, sqsClient } from '../aws-clients.ts';
import type { Env } from '../env.ts';
import { BUSES, DELIVERY_STREAMS, QUEUES, TOPICS } from '../resources.ts';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './endpoints.ts';
import type { LambdaTarget } from './services/eventbridge/delivery.ts';
import { startEventBridgeServer } from './services/eventbridge/server.ts';
import { startFirehoseServer } from './services/firehose/server.ts';
import { startSnsServer } from './services/sns/server.ts';
import { startSqsServer } from './services/sqs/server.ts';

/** Options of {@link startAwsServices}. */
export interface AwsServicesOptions {
  readonly host: string;
  /** Persistent state; without it, state is in memory and Firehose objects go to a temporary directory removed on close. */
  readonly dataDir?: string;
  /** Lambda-style EventBridge targets by function ARN; entries may be added after start. */
  readonly lambdaTargets: ReadonlyMap<string, LambdaTarget>;
}

/** The running endpoints and the names and URLs of what was created on them. */
export interface AwsServices {
  readonly sqsEndpoint: string;
  readonly snsEndpoint: string;
  readonly eventBridgeEndpoint: string;
  readonly firehoseEndpoint: string;
  /** Where Firehose writes its objects. */
  readonly archiveDir: string;
  readonly queueUrls: Readonly<Record<keyof typeof QUEUES, string>>;
  readonly topicArns: Readonly<Record<keyof typeof TOPICS, string>>;
  readonly busNames: Readonly<Record<keyof typeof BUSES, string>>;
  readonly deliveryStreams: Readonly<Record<keyof typeof DELIVERY_STREAMS, string>>;
  /** `AWS_ENDPOINT_URL_<SERVICE>` of the four endpoints. */
  readonly env: Env;
  close(): Promise<void>;
}

/** Starts the four endpoints and creates the resources; everything is ready when this resolves. */
export async function startAwsServices(options: AwsServicesOptions): Promise<AwsServices> {
  const common = {
    host: options.host,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  };
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const sqs = await startSqsServer(common);
    cleanups.push(() => sqs.close());
    const sns = await startSnsServer({ ...common, sqsEndpoint: sqs.endpoint });
    cleanups.push(() => sns.close());
    const eventBridge = await startEventBridgeServer({
      ...common,
      sqsEndpoint: sqs.endpoint,
      snsEndpoint: sns.endpoint,
      lambdaTargets: options.lambdaTargets,
    });
    cleanups.push(() => eventBridge.close());
    const archiveRoot = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pipeline-archive-')));
    if (!options.dataDir) cleanups.push(() => rm(archiveRoot, { recursive: true, force: true }));
    const firehose = await startFirehoseServer({ ...common, dataDir: archiveRoot });
    cleanups.push(() => firehose.close());

    const env: Env = {
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
      AWS_ENDPOINT_URL_FIREHOSE: firehose.endpoint,
    };
    const resources = await provision({ ...env, ...LOCAL_CREDENTIALS, AWS_REGION: LOCAL_REGION });
    return {
      sqsEndpoint: sqs.endpoint,
      snsEndpoint: sns.endpoint,
      eventBridgeEndpoint: eventBridge.endpoint,
      firehoseEndpoint: firehose.endpoint,
      archiveDir: join(archiveRoot, 'firehose'),
      ...resources,
      env,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Creates (or finds, on a persisted stack) every queue, topic, bus and delivery stream. */
async function provision(env: Env) {
  const sqs = sqsClient(env);
  const sns = snsClient(env);
  const events = eventBridgeClient(env);
  const firehose = firehoseClient(env);
  try {
    // CreateQueue and CreateTopic are idempotent for identical attributes, as on AWS.
    const createQueue = async (name: string, attributes: Record<string, string> = {}) => {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
      );
      return QueueUrl!;
    };
    const remediationDlq = await createQueue(QUEUES.remediationDlq.name);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: remediationDlq, AttributeNames: ['QueueArn'] }),
    );
    const queueUrls = {
      processorDlq: await createQueue(QUEUES.processorDlq.name),
      lateEvents: await createQueue(QUEUES.lateEvents.name),
      remediationDlq,
      remediation: await createQueue(QUEUES.remediation.name, {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes!.QueueArn,
          maxReceiveCount: QUEUES.remediation.maxReceiveCount,
        }),
      }),
    };
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: TOPICS.alerts.name }));
    try {
      await events.send(new CreateEventBusCommand({ Name: BUSES.anomalies.name }));
    } catch (error) {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    }
    try {
      await firehose.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: DELIVERY_STREAMS.windowArchive.name,
          DeliveryStreamType: 'DirectPut',
          ExtendedS3DestinationConfiguration: {
            BucketARN: `arn:aws:s3:::${DELIVERY_STREAMS.windowArchive.name}-local`,
            RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT}:role/firehose-delivery`,
            BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 5 },
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    return {
      queueUrls,
      topicArns: { alerts: TopicArn! },
      busNames: { anomalies: BUSES.anomalies.name },
      deliveryStreams: { windowArchive: DELIVERY_STREAMS.windowArchive.name },
    };
  } finally {
    for (const client of [sqs, sns, events, firehose]) client.destroy();
  }
}
