/**
 * Physical names of the deployed resources: exactly those of `infra/resources.ts`, optionally
 * behind a prefix so that two stacks (say `dev-` and `prod-`) can share one account and Region.
 * The handlers learn every name through their environment, so a prefix changes nothing in code.
 */

import { BUSES, DELIVERY_STREAMS, QUEUES, STREAMS, TABLES, TOPICS } from '../resources.ts';
import { checkName } from './validate.ts';

/** The names the stack deploys. */
export interface PipelineNames {
  readonly stream: string;
  readonly table: string;
  readonly processorDlq: string;
  readonly lateEvents: string;
  readonly remediation: string;
  readonly remediationDlq: string;
  readonly alertsTopic: string;
  readonly anomaliesBus: string;
  readonly windowArchive: string;
}

/**
 * A prefix that keeps every name valid for every service: letters, digits and hyphens, starting
 * with a letter (Kinesis, DynamoDB, SQS, SNS, EventBridge and Firehose all accept these). Twenty
 * characters plus the longest base name (23) stay under the tightest length limit (Firehose, 64).
 */
const PREFIX_PATTERN = /^([A-Za-z][A-Za-z0-9-]{0,19})?$/;

/** The names of `infra/resources.ts` behind `prefix` (`''` for none). */
export function pipelineNames(prefix: string): PipelineNames {
  checkName(
    'PipelineStack',
    'resourceNamePrefix',
    prefix,
    PREFIX_PATTERN,
    'empty or 1-20 letters, digits and hyphens starting with a letter',
  );
  return {
    stream: prefix + STREAMS.telemetry.name,
    table: prefix + TABLES.aggregates.name,
    processorDlq: prefix + QUEUES.processorDlq.name,
    lateEvents: prefix + QUEUES.lateEvents.name,
    remediation: prefix + QUEUES.remediation.name,
    remediationDlq: prefix + QUEUES.remediationDlq.name,
    alertsTopic: prefix + TOPICS.alerts.name,
    anomaliesBus: prefix + BUSES.anomalies.name,
    windowArchive: prefix + DELIVERY_STREAMS.windowArchive.name,
  };
}
