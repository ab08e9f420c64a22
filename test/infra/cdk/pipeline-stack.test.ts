import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANOMALY_EVENT_SOURCE } from '../../../infra/cdk/anomaly-events.ts';
import { HANDLER_ENTRIES } from '../../../infra/cdk/handler-entries.ts';
import {
  API,
  BUSES,
  DELIVERY_STREAMS,
  PROCESSOR_ESM,
  QUEUES,
  STREAMS,
  TABLES,
  TOPICS,
} from '../../../infra/resources.ts';
import { type Synthesized, synthPipeline } from './synth.ts';
import { actionsOn, routesOf } from './template-queries.ts';

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

  it('names the real table, queues and delivery stream in the processor environment', () => {
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
});

describe('PipelineStack: ingest and query API', () => {
  it('serves POST /v1/events from ingest and GET /v1/aggregates from query, as proxy integrations', () => {
    expect(routesOf(s.template)).toEqual([
      {
        route: 'GET /v1/aggregates',
        integrationType: 'AWS_PROXY',
        functionLogicalId: s.logicalId(s.stack.ingestApi.query.function),
      },
      {
        route: 'POST /v1/events',
        integrationType: 'AWS_PROXY',
        functionLogicalId: s.logicalId(s.stack.ingestApi.ingest.function),
      },
    ]);
  });

  it('declares the binary media types of API and throttles the stage named in API', () => {
    s.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: [...API.binaryMediaTypes],
    });
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: API.stageName,
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 1000,
          ThrottlingBurstLimit: 2000,
        }),
        Match.objectLike({
          HttpMethod: 'POST',
          ResourcePath: '/~1v1~1events',
          MetricsEnabled: true,
        }),
      ]),
    });
  });

  it('gives ingest the stream name and the keys of the NoEcho parameter, within the 29 s integration timeout', () => {
    s.template.hasParameter('IngestApiKeys', {
      Type: 'String',
      NoEcho: true,
      Default: Match.absent(),
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${HANDLER_ENTRIES.ingest.exportName}`,
      Timeout: 25,
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          STREAM_NAME: ref(s.logicalId(s.stack.processing.stream)),
          INGEST_API_KEYS: ref('IngestApiKeys'),
        },
      },
    });
  });

  it('lets ingest write to the stream and nothing else, and query only read the table', () => {
    const ingest = s.logicalId(s.stack.ingestApi.ingest.function);
    expect(actionsOn(s.template, ingest, s.logicalId(s.stack.processing.stream))).toEqual(
      new Set(['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords']),
    );
    expect(actionsOn(s.template, ingest, s.logicalId(s.stack.processing.table)).size).toBe(0);
    const query = s.logicalId(s.stack.ingestApi.query.function);
    const onTable = actionsOn(s.template, query, s.logicalId(s.stack.processing.table));
    expect(onTable.has('dynamodb:Query')).toBe(true);
    expect([...onTable].filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${HANDLER_ENTRIES.query.exportName}`,
      Environment: {
        Variables: Match.objectLike({ TABLE_NAME: ref(s.logicalId(s.stack.processing.table)) }),
      },
    });
  });
});

describe('PipelineStack: sweep, anomalies, alarms', () => {
  it('invokes the sweep every minute with the processor table and archive', () => {
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
        }),
      },
    });
    expect(
      actionsOn(s.template, sweep, s.logicalId(s.stack.processing.table)).has(
        'dynamodb:UpdateItem',
      ),
    ).toBe(true);
  });

  it('routes anomaly events from the bus to the alerts topic and the remediation queue', () => {
    const a = s.stack.alerting;
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: BUSES.anomalies.name });
    s.template.hasResourceProperties('AWS::SNS::Topic', { TopicName: TOPICS.alerts.name });
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: ref(s.logicalId(a.bus)),
      EventPattern: { source: [ANOMALY_EVENT_SOURCE] },
      Targets: Match.arrayWith([
        Match.objectLike({ Arn: ref(s.logicalId(a.topic)) }),
        Match.objectLike({ Arn: arn(s.logicalId(a.remediationQueue)) }),
      ]),
    });
  });

  it('backs the remediation queue with its DLQ after QUEUES.remediation.maxReceiveCount receives', () => {
    const a = s.stack.alerting;
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: QUEUES.remediation.name,
      RedrivePolicy: {
        deadLetterTargetArn: arn(s.logicalId(a.remediationDlq)),
        maxReceiveCount: QUEUES.remediation.maxReceiveCount,
      },
    });
    for (const q of [QUEUES.remediationDlq, QUEUES.processorDlq, QUEUES.lateEvents]) {
      s.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: q.name,
        SqsManagedSseEnabled: true,
      });
    }
  });

  it('alarms on iterator age, dead letters and ingest 5xx, to the alerts topic', () => {
    const topic = ref(s.logicalId(s.stack.alerting.topic));
    const notifies = { AlarmActions: [topic], OKActions: [topic] };
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...notifies,
      MetricName: 'IteratorAge',
      Dimensions: [
        { Name: 'FunctionName', Value: ref(s.logicalId(s.stack.processing.processor.function)) },
      ],
    });
    for (const queue of [s.stack.processing.processorDlq, s.stack.alerting.remediationDlq]) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...notifies,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [s.logicalId(queue), 'QueueName'] } },
        ],
      });
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...notifies,
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      // CloudWatch sorts dimensions by name.
      Dimensions: Match.arrayWith([
        { Name: 'Method', Value: 'POST' },
        { Name: 'Resource', Value: '/v1/events' },
      ]),
    });
  });

  it('outputs the API URLs and resource names', () => {
    for (const id of [
      'IngestUrl',
      'QueryUrl',
      'StreamName',
      'TableName',
      'AlertsTopicArn',
      'ArchiveBucketName',
    ]) {
      s.template.hasOutput(id, {});
    }
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
