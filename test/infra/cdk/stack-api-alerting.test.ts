import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANOMALY_EVENT_SOURCE } from '../../../infra/cdk/anomaly-events.ts';
import { HANDLER_ENTRIES } from '../../../infra/cdk/handler-entries.ts';
import { API_KEYS_PATTERN } from '../../../infra/cdk/pipeline-stack.ts';
import { API, BUSES, QUEUES, TOPICS } from '../../../infra/resources.ts';
import { type Synthesized, synthPipeline } from './synth.ts';
import { actionsOn, routesOf } from './template-queries.ts';

let s: Synthesized;
beforeAll(() => {
  s = synthPipeline();
});
afterAll(() => s.cleanup());

const ref = (id: string) => ({ Ref: id });
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

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
      AllowedPattern: API_KEYS_PATTERN,
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

  it('accepts comma-separated keys of 16+ URL-safe characters, nothing else', () => {
    const pattern = new RegExp(API_KEYS_PATTERN);
    const key = 'a1B2c3D4e5F6g7H8';
    for (const ok of [key, `${key},${key}x`, 'x'.repeat(64), `${key}-._~`])
      expect(pattern.test(ok)).toBe(true);
    for (const bad of [
      '',
      key.slice(1),
      `${key},`,
      `${key}, ${key}`,
      `${key} `,
      `${key};${key}`,
      `${key}\n`,
    ]) {
      expect(pattern.test(bad)).toBe(false);
    }
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

describe('PipelineStack: anomalies and alarms', () => {
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
