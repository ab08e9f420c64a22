/**
 * Queue attributes: which a client may set, their ranges and defaults, and the values the queue
 * engine works with. Values are kept as the strings the API carries, as SQS does.
 * Reference: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */

import { SQS, SQS_QUEUES } from '../../../limits.ts';
import { SQS_ERRORS } from './errors.ts';

/** Settable integer attributes and their inclusive ranges. */
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, SQS.maxDelaySeconds],
  MaximumMessageSize: [SQS_QUEUES.minMaximumMessageSizeBytes, SQS.maxMessageBytes],
  MessageRetentionPeriod: [SQS_QUEUES.minRetentionSeconds, SQS_QUEUES.maxRetentionSeconds],
  ReceiveMessageWaitTimeSeconds: [0, SQS.maxWaitTimeSeconds],
  VisibilityTimeout: [0, SQS.maxVisibilityTimeoutSeconds],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

/** Settable attributes whose value is a JSON document or free text. */
const JSON_ATTRIBUTES = new Set(['Policy', 'RedriveAllowPolicy']);
const TEXT_ATTRIBUTES = new Set(['KmsMasterKeyId']);
const BOOLEAN_ATTRIBUTES = new Set(['SqsManagedSseEnabled']);

/** Attributes SQS computes; asking for them is fine, setting them is `InvalidAttributeName`. */
export const READ_ONLY_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

/** What a new queue starts with. */
export const DEFAULT_QUEUE_ATTRIBUTES: Readonly<Record<string, string>> = {
  DelaySeconds: '0',
  MaximumMessageSize: String(SQS.maxMessageBytes),
  MessageRetentionPeriod: String(SQS_QUEUES.defaultRetentionSeconds),
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: String(SQS_QUEUES.defaultVisibilityTimeoutSeconds),
  SqsManagedSseEnabled: 'true',
};

/** A parsed RedrivePolicy. */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

function isInteger(text: string): boolean {
  return /^-?\d+$/.test(text.trim());
}

function validateRedrivePolicy(text: string, queueExists: (arn: string) => boolean): string {
  if (text === '') return '';
  const invalid = (reason: string) =>
    SQS_ERRORS.invalidParameterValue(
      `Value ${text} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
    );
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw invalid('Redrive policy is not a valid JSON map.');
  }
  const arn = parsed.deadLetterTargetArn;
  const count = Number(parsed.maxReceiveCount);
  if (typeof arn !== 'string') throw invalid('Redrive policy must contain deadLetterTargetArn.');
  if (
    !Number.isInteger(count) ||
    count < SQS_QUEUES.minMaxReceiveCount ||
    count > SQS_QUEUES.maxMaxReceiveCount
  ) {
    throw invalid(
      `Invalid value for maxReceiveCount: ${String(parsed.maxReceiveCount)}, valid values are from ${SQS_QUEUES.minMaxReceiveCount} to ${SQS_QUEUES.maxMaxReceiveCount} both inclusive.`,
    );
  }
  if (!queueExists(arn)) throw invalid('Dead letter target does not exist.');
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: count });
}

/**
 * Checks attributes a client wants to set and returns them as strings. `queueExists` resolves a
 * dead-letter queue ARN, which must exist when the policy is set.
 */
export function validateQueueAttributes(
  raw: Readonly<Record<string, unknown>>,
  queueExists: (arn: string) => boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, rawValue] of Object.entries(raw)) {
    const value = String(rawValue);
    const range = INTEGER_RANGES[name];
    if (range !== undefined) {
      const n = Number(value);
      if (!isInteger(value) || n < range[0] || n > range[1]) {
        throw SQS_ERRORS.invalidAttributeValue(
          name,
          `must be an integer from ${range[0]} to ${range[1]}, got ${JSON.stringify(value)}.`,
        );
      }
      out[name] = String(n);
    } else if (name === 'RedrivePolicy') {
      out[name] = validateRedrivePolicy(value, queueExists);
    } else if (JSON_ATTRIBUTES.has(name)) {
      try {
        if (value !== '') JSON.parse(value);
      } catch {
        throw SQS_ERRORS.invalidAttributeValue(name, 'must be a JSON document.');
      }
      out[name] = value;
    } else if (BOOLEAN_ATTRIBUTES.has(name)) {
      if (value !== 'true' && value !== 'false') {
        throw SQS_ERRORS.invalidAttributeValue(name, 'must be true or false.');
      }
      out[name] = value;
    } else if (TEXT_ATTRIBUTES.has(name)) {
      out[name] = value;
    } else if (name === 'FifoQueue') {
      // The local endpoint serves standard queues only; say so instead of pretending.
      throw SQS_ERRORS.unsupportedOperation(
        'FIFO queues are not supported by the local SQS endpoint; use a standard queue.',
      );
    } else {
      throw SQS_ERRORS.invalidAttributeName(name);
    }
  }
  return out;
}

/** The redrive policy of a queue's attributes, if set. */
export function redrivePolicyOf(
  attributes: Readonly<Record<string, string>>,
): RedrivePolicy | undefined {
  const text = attributes.RedrivePolicy;
  if (text === undefined || text === '') return undefined;
  return JSON.parse(text) as RedrivePolicy;
}

/** An integer attribute (always present: defaults fill the gaps). */
export function intAttribute(attributes: Readonly<Record<string, string>>, name: string): number {
  return Number(attributes[name] ?? DEFAULT_QUEUE_ATTRIBUTES[name] ?? 0);
}
