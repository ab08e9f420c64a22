/**
 * Kinesis to windows: the telemetry stream, the aggregates table, and the processor function fed
 * by a Kinesis event source mapping whose settings are `PROCESSOR_ESM` (the local stack's poller
 * uses the same object), with the processor DLQ as its on-failure destination and the late-events
 * queue as a side output.
 */

import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import type { IDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_KINESIS_ESM, SQS_QUEUES } from '../limits.ts';
import { PROCESSOR_ESM, STREAMS } from '../resources.ts';
import { AggregatesTable } from './aggregates-table.ts';
import type { HandlerEntry } from './handler-entries.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { checkIntInRange } from './validate.ts';
import {
  checkProcessorSettings,
  processorSettingsEnvironment,
  type WindowSettings,
} from './window-settings.ts';

/** Event source mapping settings, shaped like `PROCESSOR_ESM`. */
export interface ProcessorEsmSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly parallelizationFactor: number;
  readonly retryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly startingPosition: keyof typeof STARTING_POSITIONS;
}

const STARTING_POSITIONS = {
  TRIM_HORIZON: StartingPosition.TRIM_HORIZON,
  LATEST: StartingPosition.LATEST,
} as const;

/** Props of {@link StreamProcessing}. */
export interface StreamProcessingProps {
  readonly streamName: string;
  readonly tableName: string;
  readonly processorDlqName: string;
  readonly lateEventsQueueName: string;
  readonly processorEntry: HandlerEntry;
  /** Closed windows go here (`ARCHIVE_DELIVERY_STREAM`). */
  readonly archive: IDeliveryStream;
  /** The anomalies bus (`EVENT_BUS_NAME`), where the anomaly detector on closed windows puts events. */
  readonly bus: EventBus;
  /** @default STREAMS.telemetry.shardCount */
  readonly shardCount?: number;
  /** @default PROCESSOR_ESM */
  readonly esm?: ProcessorEsmSettings;
  /** @default the handler's defaults */
  readonly windowSettings?: WindowSettings;
  /** A batch of 1,000 records costs well under a second; 60 s leaves room for DynamoDB retries. @default 60 */
  readonly processorTimeoutSeconds?: number;
  /** Decoding and sketch merging are CPU-bound; CPU scales with memory. @default 1024 */
  readonly processorMemoryMb?: number;
  readonly logRetention?: RetentionDays;
}

/** Stream, table, queues and the processor with its event source mapping. */
export class StreamProcessing extends Construct {
  readonly stream: Stream;
  readonly table: Table;
  readonly processorDlq: Queue;
  readonly lateEventsQueue: Queue;
  readonly processor: PipelineFunction;
  /**
   * The processor's settings (windows, parallelization factor) as environment variables: the
   * sweep closes windows by the same rules, so it gets exactly these.
   */
  readonly settingsEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: StreamProcessingProps) {
    super(scope, id);
    const esm = props.esm ?? PROCESSOR_ESM;
    checkEsm(esm);
    this.settingsEnvironment = processorSettingsEnvironment(
      props.windowSettings ?? {},
      esm.parallelizationFactor,
    );
    checkProcessorSettings('StreamProcessing', this.settingsEnvironment);
    // The upper bound is the account's shard quota, which only Kinesis knows.
    const shardCount = checkIntInRange(
      'StreamProcessing',
      'shardCount',
      props.shardCount ?? STREAMS.telemetry.shardCount,
      1,
      Number.MAX_SAFE_INTEGER,
    );

    this.stream = new Stream(this, 'Stream', {
      streamName: props.streamName,
      streamMode: StreamMode.PROVISIONED,
      shardCount,
      retentionPeriod: Duration.hours(STREAMS.telemetry.retentionHours),
      encryption: StreamEncryption.MANAGED,
    });
    this.table = new AggregatesTable(this, 'Aggregates', { tableName: props.tableName }).table;

    // Dead letters wait for a person: keep them as long as SQS allows.
    const deadLetterRetention = Duration.seconds(SQS_QUEUES.maxRetentionSeconds);
    this.processorDlq = new Queue(this, 'ProcessorDlq', {
      queueName: props.processorDlqName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
    });
    this.lateEventsQueue = new Queue(this, 'LateEvents', {
      queueName: props.lateEventsQueueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
    });

    this.processor = new PipelineFunction(this, 'Processor', {
      entry: props.processorEntry,
      description: 'Kinesis telemetry to event-time window aggregates in DynamoDB',
      timeoutSeconds: props.processorTimeoutSeconds ?? 60,
      memoryMb: props.processorMemoryMb ?? 1024,
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
      environment: {
        TABLE_NAME: this.table.tableName,
        DLQ_URL: this.processorDlq.queueUrl,
        LATE_EVENTS_QUEUE_URL: this.lateEventsQueue.queueUrl,
        ARCHIVE_DELIVERY_STREAM: props.archive.deliveryStreamName,
        EVENT_BUS_NAME: props.bus.eventBusName,
        ...this.settingsEnvironment,
      },
    });
    const fn = this.processor.function;
    this.table.grantReadWriteData(fn);
    this.processorDlq.grantSendMessages(fn);
    this.lateEventsQueue.grantSendMessages(fn);
    props.archive.grantPutRecords(fn);
    props.bus.grantPutEventsTo(fn);

    // The event source grants the stream reads and, through SqsDlq, sends to the DLQ.
    fn.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: STARTING_POSITIONS[esm.startingPosition],
        batchSize: esm.batchSize,
        maxBatchingWindow: Duration.seconds(esm.maxBatchingWindowSeconds),
        parallelizationFactor: esm.parallelizationFactor,
        retryAttempts: esm.retryAttempts,
        bisectBatchOnError: esm.bisectBatchOnFunctionError,
        reportBatchItemFailures: esm.reportBatchItemFailures,
        onFailure: new SqsDlq(this.processorDlq),
      }),
    );
  }
}

function checkEsm(esm: ProcessorEsmSettings): void {
  const where = 'StreamProcessing (PROCESSOR_ESM)';
  checkIntInRange(where, 'batchSize', esm.batchSize, 1, LAMBDA_KINESIS_ESM.maxBatchSize);
  checkIntInRange(
    where,
    'maxBatchingWindowSeconds',
    esm.maxBatchingWindowSeconds,
    0,
    LAMBDA_KINESIS_ESM.maxBatchingWindowSeconds,
  );
  checkIntInRange(
    where,
    'parallelizationFactor',
    esm.parallelizationFactor,
    1,
    LAMBDA_KINESIS_ESM.maxParallelizationFactor,
  );
  checkIntInRange(
    where,
    'retryAttempts',
    esm.retryAttempts,
    0,
    LAMBDA_KINESIS_ESM.maxRetryAttempts,
  );
}
