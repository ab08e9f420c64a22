/**
 * The whole pipeline in one stack: ingest API, stream processing, window archive, sweep,
 * anomaly routing and alarms. Every name comes from `infra/resources.ts` (behind an optional
 * prefix) and reaches the handlers through their environment.
 *
 * @example
 * ```ts
 * const app = new App();
 * new PipelineStack(app, 'TelemetryPipeline', { alertEmail: 'oncall@example.com' });
 * ```
 */

import { CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PipelineAlarms } from './alarms.ts';
import { Alerting } from './alerting.ts';
import { type HandlerEntryOverrides, type HandlerName, resolveEntry } from './handler-entries.ts';
import { INGEST_ROUTE, IngestApi, QUERY_ROUTE } from './ingest-api.ts';
import { pipelineNames } from './names.ts';
import { StreamProcessing } from './stream-processing.ts';
import { WindowArchive } from './window-archive.ts';
import type { WindowSettings } from './window-settings.ts';
import { WindowSweep } from './window-sweep.ts';

/**
 * Keys accepted by the ingest handler: comma-separated, each at least 16 characters of a URL-safe
 * alphabet so that a key never needs escaping in a header or a shell.
 */
export const API_KEYS_PATTERN = '^[A-Za-z0-9._~-]{16,}(,[A-Za-z0-9._~-]{16,})*$';

/** Props of {@link PipelineStack}. */
export interface PipelineStackProps extends StackProps {
  /** Put before every resource name, for several stacks in one account and Region. @default '' */
  readonly resourceNamePrefix?: string;
  /** Subscribed to the alerts topic. @default none */
  readonly alertEmail?: string;
  /** Windowing of the processor and the sweep. @default the handlers' defaults */
  readonly windowSettings?: WindowSettings;
  /** Other entry files (tests, experiments). @default HANDLER_ENTRIES */
  readonly handlerEntries?: HandlerEntryOverrides;
  readonly logRetention?: RetentionDays;
}

/** The pipeline stack. */
export class PipelineStack extends Stack {
  readonly processing: StreamProcessing;
  readonly archive: WindowArchive;
  readonly alerting: Alerting;
  readonly ingestApi: IngestApi;
  readonly sweep: WindowSweep;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: PipelineStackProps = {}) {
    super(scope, id, props);
    const names = pipelineNames(props.resourceNamePrefix ?? '');
    const entry = (name: HandlerName) => resolveEntry(name, props.handlerEntries);
    const logs = props.logRetention !== undefined ? { logRetention: props.logRetention } : {};
    const windows =
      props.windowSettings !== undefined ? { windowSettings: props.windowSettings } : {};

    // A NoEcho parameter: the keys are in no file or template and CloudFormation masks them.
    // The ingest handler reads them from its environment, as in the local stack, so they do
    // sit in the function's configuration (encrypted at rest, readable with
    // lambda:GetFunctionConfiguration): the trade for keeping one code path.
    const apiKeys = new CfnParameter(this, 'IngestApiKeys', {
      type: 'String',
      noEcho: true,
      allowedPattern: API_KEYS_PATTERN,
      constraintDescription: 'comma-separated keys, each at least 16 of A-Z a-z 0-9 . _ ~ -',
      description: 'API keys accepted in the x-api-key header of POST /v1/events, comma-separated',
    });

    this.archive = new WindowArchive(this, 'WindowArchive', {
      deliveryStreamName: names.windowArchive,
      ...logs,
    });
    this.alerting = new Alerting(this, 'Alerting', {
      busName: names.anomaliesBus,
      topicName: names.alertsTopic,
      remediationQueueName: names.remediation,
      remediationDlqName: names.remediationDlq,
      ...(props.alertEmail !== undefined ? { alertEmail: props.alertEmail } : {}),
    });
    this.processing = new StreamProcessing(this, 'StreamProcessing', {
      streamName: names.stream,
      tableName: names.table,
      processorDlqName: names.processorDlq,
      lateEventsQueueName: names.lateEvents,
      processorEntry: entry('processor'),
      archive: this.archive.deliveryStream,
      bus: this.alerting.bus,
      ...windows,
      ...logs,
    });
    this.ingestApi = new IngestApi(this, 'IngestApi', {
      stream: this.processing.stream,
      table: this.processing.table,
      ingestEntry: entry('ingest'),
      queryEntry: entry('query'),
      apiKeys: apiKeys.valueAsString,
      ...logs,
    });
    this.sweep = new WindowSweep(this, 'WindowSweep', {
      entry: entry('sweep'),
      table: this.processing.table,
      archive: this.archive.deliveryStream,
      bus: this.alerting.bus,
      settingsEnvironment: this.processing.settingsEnvironment,
      ...logs,
    });
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      topic: this.alerting.topic,
      processor: this.processing.processor.function,
      api: this.ingestApi.api,
      deadLetterQueues: [
        { id: 'ProcessorDlq', queue: this.processing.processorDlq },
        { id: 'RemediationDlq', queue: this.alerting.remediationDlq },
      ],
    });

    this.outputs();
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    out('IngestUrl', this.ingestApi.urlOf(INGEST_ROUTE), 'POST telemetry here (x-api-key header)');
    out('QueryUrl', this.ingestApi.urlOf(QUERY_ROUTE), 'GET window aggregates here');
    out('StreamName', this.processing.stream.streamName, 'Kinesis stream of telemetry records');
    out('TableName', this.processing.table.tableName, 'DynamoDB table of window aggregates');
    out(
      'ProcessorDlqUrl',
      this.processing.processorDlq.queueUrl,
      'Failed batches and poison records',
    );
    out(
      'LateEventsQueueUrl',
      this.processing.lateEventsQueue.queueUrl,
      'Events later than the allowed lateness',
    );
    out('AnomaliesBusName', this.alerting.bus.eventBusName, 'EventBridge bus of anomaly events');
    out('AlertsTopicArn', this.alerting.topic.topicArn, 'SNS topic of anomaly alerts and alarms');
    out('RemediationQueueUrl', this.alerting.remediationQueue.queueUrl, 'Remediation work items');
    out('ArchiveBucketName', this.archive.bucket.bucketName, 'S3 bucket of archived windows');
  }
}
