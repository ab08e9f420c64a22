/**
 * Where anomalies go: the anomalies event bus, one rule that matches them, and its two targets,
 * the alerts topic (people) and the remediation queue (a worker), the queue backed by a
 * dead-letter queue so that a message the worker cannot handle stops being retried.
 */

import { Duration } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SnsTopic, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SQS_QUEUES } from '../limits.ts';
import { QUEUES } from '../resources.ts';
import { ANOMALY_EVENT_PATTERN } from './anomaly-events.ts';
import { InfraPropsError } from './errors.ts';
import { checkIntInRange } from './validate.ts';

/** Props of {@link Alerting}. */
export interface AlertingProps {
  readonly busName: string;
  readonly topicName: string;
  readonly remediationQueueName: string;
  readonly remediationDlqName: string;
  /** Receives before a remediation message moves to the DLQ. @default QUEUES.remediation.maxReceiveCount */
  readonly maxReceiveCount?: number;
  /** An address subscribed to the alerts topic (AWS mails a confirmation link first). @default none */
  readonly alertEmail?: string;
}

/** Bus, rule, topic and remediation queues of the anomaly path. */
export class Alerting extends Construct {
  readonly bus: EventBus;
  readonly topic: Topic;
  readonly remediationQueue: Queue;
  readonly remediationDlq: Queue;
  readonly anomalyRule: Rule;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const maxReceiveCount = checkIntInRange(
      'Alerting',
      'maxReceiveCount',
      props.maxReceiveCount ?? QUEUES.remediation.maxReceiveCount,
      SQS_QUEUES.minMaxReceiveCount,
      SQS_QUEUES.maxMaxReceiveCount,
    );
    if (props.alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alertEmail)) {
      throw new InfraPropsError({
        where: 'Alerting',
        setting: 'alertEmail',
        expected: 'an e-mail address',
        received: props.alertEmail,
      });
    }

    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName });
    // No KMS key on the topic: EventBridge and CloudWatch alarms cannot publish to a topic
    // encrypted with the AWS-managed SNS key, and a customer key costs a key policy per sender.
    this.topic = new Topic(this, 'AlertsTopic', { topicName: props.topicName, enforceSSL: true });
    if (props.alertEmail !== undefined)
      this.topic.addSubscription(new EmailSubscription(props.alertEmail));

    this.remediationDlq = new Queue(this, 'RemediationDlq', {
      queueName: props.remediationDlqName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A dead letter waits for a person: keep it as long as SQS allows.
      retentionPeriod: Duration.seconds(SQS_QUEUES.maxRetentionSeconds),
    });
    this.remediationQueue = new Queue(this, 'RemediationQueue', {
      queueName: props.remediationQueueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.remediationDlq, maxReceiveCount },
    });

    this.anomalyRule = new Rule(this, 'AnomalyRule', {
      eventBus: this.bus,
      description: 'Anomaly events to the alerts topic and the remediation queue',
      eventPattern: { source: [...ANOMALY_EVENT_PATTERN.source] },
      // Each target gets its own resource policy statement (`grant*` under the hood).
      targets: [new SnsTopic(this.topic), new SqsQueue(this.remediationQueue)],
    });
  }
}
