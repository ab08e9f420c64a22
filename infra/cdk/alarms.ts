/**
 * Alarms that say the pipeline needs a person, all sent to the alerts topic (alarm and recovery):
 * the processor falling behind the stream, anything in a dead-letter queue, and ingest answering
 * with server errors.
 */

import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API } from '../resources.ts';
import { INGEST_ROUTE } from './ingest-api.ts';
import { checkIntInRange } from './validate.ts';

/** A dead-letter queue to watch; `id` names its alarm's construct. */
export interface WatchedQueue {
  readonly id: string;
  readonly queue: IQueue;
}

/** Props of {@link PipelineAlarms}. */
export interface PipelineAlarmsProps {
  readonly topic: ITopic;
  readonly processor: IFunction;
  readonly deadLetterQueues: readonly WatchedQueue[];
  readonly api: RestApi;
  /**
   * Oldest unprocessed record, in ms, for five minutes in a row. One minute is far behind for a
   * pipeline whose batching window is a second, yet survives a redeploy or a retried batch.
   * @default 60_000
   */
  readonly iteratorAgeThresholdMillis?: number;
  /** 5xx answers of `POST /v1/events` within five minutes. @default 5 */
  readonly ingestServerErrorThreshold?: number;
}

/** The pipeline's alarms. */
export class PipelineAlarms extends Construct {
  readonly iteratorAge: Alarm;
  readonly deadLetters: readonly Alarm[];
  readonly ingestServerErrors: Alarm;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const ageThreshold = checkIntInRange(
      'PipelineAlarms',
      'iteratorAgeThresholdMillis',
      props.iteratorAgeThresholdMillis ?? 60_000,
      1,
      Number.MAX_SAFE_INTEGER,
    );
    const errorThreshold = checkIntInRange(
      'PipelineAlarms',
      'ingestServerErrorThreshold',
      props.ingestServerErrorThreshold ?? 5,
      1,
      Number.MAX_SAFE_INTEGER,
    );
    const action = new SnsAction(props.topic);
    const notify = (alarm: Alarm): Alarm => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    };

    // Lambda's IteratorAge (per event source mapping) rather than the stream's GetRecords age:
    // it is the age the processor itself sees, and it stops at zero when the stream is idle.
    this.iteratorAge = notify(
      new Alarm(this, 'ProcessorIteratorAge', {
        alarmDescription: `The processor is more than ${ageThreshold} ms behind the stream`,
        metric: props.processor.metric('IteratorAge', {
          statistic: Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        threshold: ageThreshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    this.deadLetters = props.deadLetterQueues.map(({ id: queueId, queue }) =>
      notify(
        new Alarm(this, `${queueId}Depth`, {
          alarmDescription: `Messages in ${queueId}: records or work items that were given up on`,
          metric: queue.metricApproximateNumberOfMessagesVisible({
            statistic: Stats.MAXIMUM,
            period: Duration.minutes(1),
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
    );

    // The per-method metric that IngestApi enables on the ingest route only.
    this.ingestServerErrors = notify(
      new Alarm(this, 'IngestServerErrors', {
        alarmDescription: `${INGEST_ROUTE.method} ${INGEST_ROUTE.path} answered 5xx at least ${errorThreshold} times in 5 minutes`,
        metric: new Metric({
          namespace: 'AWS/ApiGateway',
          metricName: '5XXError',
          dimensionsMap: {
            ApiName: props.api.restApiName,
            Stage: API.stageName,
            Resource: INGEST_ROUTE.path,
            Method: INGEST_ROUTE.method,
          },
          statistic: Stats.SUM,
          period: Duration.minutes(5),
        }),
        threshold: errorThreshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
