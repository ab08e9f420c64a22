import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES } from '../../../infra/cdk/handler-entries.ts';
import {
  BUSES,
  DELIVERY_STREAMS,
  PROCESSOR_ESM,
  QUEUES,
  STREAMS,
  TABLES,
} from '../../../infra/resources.ts';
import { type Synthesized, synthPipeline } from './synth.ts';
import { actionsOn } from './template-queries.ts';

let s: Synthesized;
beforeAll(() => {
  s = synthPipeline();
});
afterAll(() => s.cleanup());

const ref = (id: string) => ({ Ref: id });
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('PipelineStack: stream and table', () => {
  it('deploys the telemetry stream with the name, shards and retention of STREAMS, KMS-encrypted', () => {
    s.template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: STREAMS.telemetry.name,
      ShardCount: STREAMS.telemetry.shardCount,
      RetentionPeriodHours: STREAMS.telemetry.retentionHours,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  it('deploys the aggregates table with the keys, TTL and indexes of TABLES, on demand, with PITR', () => {
    const def = TABLES.aggregates;
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: def.name,
      KeySchema: [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: def.partitionKey.name, AttributeType: def.partitionKey.type },
        { AttributeName: def.sortKey.name, AttributeType: def.sortKey.type },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    });
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('PipelineStack: processor', () => {
  it('maps the stream to the processor with the PROCESSOR_ESM settings and the DLQ on failure', () => {
    const p = s.stack.processing;
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(s.logicalId(p.stream)),
      FunctionName: ref(s.logicalId(p.processor.function)),
      BatchSize: PROCESSOR_ESM.batchSize,
      MaximumBatchingWindowInSeconds: PROCESSOR_ESM.maxBatchingWindowSeconds,
      ParallelizationFactor: PROCESSOR_ESM.parallelizationFactor,
      MaximumRetryAttempts: PROCESSOR_ESM.retryAttempts,
      BisectBatchOnFunctionError: PROCESSOR_ESM.bisectBatchOnFunctionError,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: PROCESSOR_ESM.startingPosition,
      DestinationConfig: { OnFailure: { Destination: arn(s.logicalId(p.processorDlq)) } },
    });
  });

  it('names the real table, queues, delivery stream and bus in the processor environment', () => {
    const p = s.stack.processing;
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${HANDLER_ENTRIES.processor.exportName}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 60,
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          TABLE_NAME: ref(s.logicalId(p.table)),
          DLQ_URL: ref(s.logicalId(p.processorDlq)),
          LATE_EVENTS_QUEUE_URL: ref(s.logicalId(p.lateEventsQueue)),
          ARCHIVE_DELIVERY_STREAM: ref(s.logicalId(s.stack.archive.deliveryStream)),
          EVENT_BUS_NAME: ref(s.logicalId(s.stack.alerting.bus)),
          // The processor orders by shard only when told the mapping does not parallelize.
          PARALLELIZATION_FACTOR: String(PROCESSOR_ESM.parallelizationFactor),
        },
      },
    });
  });

  it('grants the processor table writes, queue sends, archive puts and stream reads, and no stream writes', () => {
    const fn = s.logicalId(s.stack.processing.processor.function);
    const p = s.stack.processing;
    expect([...actionsOn(s.template, fn, s.logicalId(p.table))]).toEqual(
      expect.arrayContaining([
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(actionsOn(s.template, fn, s.logicalId(p.processorDlq)).has('sqs:SendMessage')).toBe(
      true,
    );
    expect(actionsOn(s.template, fn, s.logicalId(p.lateEventsQueue)).has('sqs:SendMessage')).toBe(
      true,
    );
    expect(
      actionsOn(s.template, fn, s.logicalId(s.stack.archive.deliveryStream)).has(
        'firehose:PutRecordBatch',
      ),
    ).toBe(true);
    expect(actionsOn(s.template, fn, s.logicalId(s.stack.alerting.bus))).toEqual(
      new Set(['events:PutEvents']),
    );
    const onStream = actionsOn(s.template, fn, s.logicalId(p.stream));
    expect(onStream.has('kinesis:GetRecords')).toBe(true);
    expect(onStream.has('kinesis:PutRecords')).toBe(false);
  });

  it('archives windows through Firehose into the bucket under the time prefix, gzip', () => {
    const a = s.stack.archive;
    s.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: DELIVERY_STREAMS.windowArchive.name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: arn(s.logicalId(a.bucket)),
        Prefix: 'windows/',
        ErrorOutputPrefix: 'errors/',
        CompressionFormat: 'GZIP',
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 5 },
      }),
    });
  });

  it('invokes the sweep every minute with the processor table, archive, bus and settings', () => {
    const sweep = s.logicalId(s.stack.sweep.sweep.function);
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: arn(sweep), RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${HANDLER_ENTRIES.sweep.exportName}`,
      Timeout: 50,
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: ref(s.logicalId(s.stack.processing.table)),
          ARCHIVE_DELIVERY_STREAM: ref(s.logicalId(s.stack.archive.deliveryStream)),
          EVENT_BUS_NAME: ref(s.logicalId(s.stack.alerting.bus)),
          PARALLELIZATION_FACTOR: String(PROCESSOR_ESM.parallelizationFactor),
        }),
      },
    });
    expect(
      actionsOn(s.template, sweep, s.logicalId(s.stack.alerting.bus)).has('events:PutEvents'),
    ).toBe(true);
    expect(
      actionsOn(s.template, sweep, s.logicalId(s.stack.processing.table)).has(
        'dynamodb:UpdateItem',
      ),
    ).toBe(true);
  });
});

describe('PipelineStack: logs', () => {
  it('keeps every log group (functions and Firehose errors) a month, and deletes it with the stack', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(5);
    for (const group of groups) {
      expect(group).toMatchObject({
        Properties: { RetentionInDays: 30 },
        DeletionPolicy: 'Delete',
      });
    }
    s.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CloudWatchLoggingOptions: Match.objectLike({
          Enabled: true,
          LogGroupName: { Ref: s.logicalId(s.stack.archive.node.findChild('DeliveryErrors')) },
        }),
      }),
    });
  });
});

describe('PipelineStack: options', () => {
  it('puts resourceNamePrefix before every name and subscribes alertEmail', () => {
    const dev = synthPipeline({ resourceNamePrefix: 'dev-', alertEmail: 'oncall@example.com' });
    try {
      dev.template.hasResourceProperties('AWS::Kinesis::Stream', {
        Name: `dev-${STREAMS.telemetry.name}`,
      });
      dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `dev-${TABLES.aggregates.name}`,
      });
      dev.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `dev-${QUEUES.processorDlq.name}`,
      });
      dev.template.hasResourceProperties('AWS::Events::EventBus', {
        Name: `dev-${BUSES.anomalies.name}`,
      });
      dev.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
      });
    } finally {
      dev.cleanup();
    }
  });

  it('passes window settings to the processor and the sweep alike', () => {
    const custom = synthPipeline({
      windowSettings: { tumblingSizesMillis: [10_000, 60_000], allowedLatenessMillis: 2_000 },
    });
    try {
      const vars = Match.objectLike({
        WINDOW_SIZES_MILLIS: '10000,60000',
        ALLOWED_LATENESS_MILLIS: '2000',
      });
      for (const name of ['processor', 'sweep'] as const) {
        custom.template.hasResourceProperties('AWS::Lambda::Function', {
          Handler: `index.${HANDLER_ENTRIES[name].exportName}`,
          Environment: { Variables: vars },
        });
      }
    } finally {
      custom.cleanup();
    }
  });
});
