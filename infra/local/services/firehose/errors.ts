/**
 * The errors of the local Firehose endpoint, with Firehose's codes and wording
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/CommonErrors.html and each action's
 * Errors section), so SDK code that tests `error.name` behaves as it does on AWS.
 */

import { AwsServiceError } from '../http/errors.ts';

/** Error factories by AWS error code. */
export const FIREHOSE_ERRORS = {
  /** Model validation, worded as AWS's: `1 validation error detected: ... at '<member>' ...`. */
  validation: (member: string, constraint: string, received = 'the value') =>
    new AwsServiceError({
      code: 'ValidationException',
      message: `1 validation error detected: ${received} at '${member}' failed to satisfy constraint: ${constraint}`,
    }),
  invalidArgument: (message: string) =>
    new AwsServiceError({ code: 'InvalidArgumentException', message }),
  notFound: (name: string, accountId: string) =>
    new AwsServiceError({
      code: 'ResourceNotFoundException',
      message: `Firehose ${name} under account ${accountId} not found.`,
    }),
  inUse: (name: string, accountId: string) =>
    new AwsServiceError({
      code: 'ResourceInUseException',
      message: `Firehose ${name} under accountId ${accountId} already exists`,
    }),
} as const;

/** A buffer could not be written to its file; passed to `onDeliveryError`. */
export class FirehoseDeliveryError extends Error {
  override readonly name = 'FirehoseDeliveryError';
  readonly streamName: string;
  readonly path: string;
  readonly records: number;
  constructor(context: { streamName: string; path: string; records: number }, cause: unknown) {
    super(
      `delivery stream ${context.streamName} could not write ${context.records} records to ${context.path}: ${String(cause)}`,
      { cause },
    );
    this.streamName = context.streamName;
    this.path = context.path;
    this.records = context.records;
  }
}
