/**
 * SNS's errors with the codes AWS sends (the `awsQueryError` codes of the SNS service model,
 * e.g. `NotFound` for `NotFoundException`), and the typed error of a failed HTTP delivery.
 */

import { SNS } from '../../../limits.ts';
import { AwsServiceError } from '../http/errors.ts';

/** Factories of SNS errors, by meaning. */
export const SNS_ERRORS = {
  topicNotFound: () =>
    new AwsServiceError({ code: 'NotFound', statusCode: 404, message: 'Topic does not exist' }),
  subscriptionNotFound: () =>
    new AwsServiceError({
      code: 'NotFound',
      statusCode: 404,
      message: 'Subscription does not exist',
    }),
  invalidParameter: (what: string) =>
    new AwsServiceError({ code: 'InvalidParameter', message: `Invalid parameter: ${what}` }),
  messageTooLong: () =>
    new AwsServiceError({
      code: 'InvalidParameter',
      message: 'Invalid parameter: Message too long',
    }),
  tooManyEntriesInBatch: (received: number) =>
    new AwsServiceError({
      code: 'TooManyEntriesInBatchRequest',
      message: `The batch request contains more entries than permissible: ${received} > ${SNS.maxPublishBatchEntries}.`,
    }),
  emptyBatch: () =>
    new AwsServiceError({
      code: 'EmptyBatchRequest',
      message: 'The batch request does not contain any entries.',
    }),
  batchEntryIdsNotDistinct: (id: string) =>
    new AwsServiceError({
      code: 'BatchEntryIdsNotDistinct',
      message: `Two or more batch entries in the request have the same Id: ${id}.`,
    }),
  invalidBatchEntryId: (id: string) =>
    new AwsServiceError({
      code: 'InvalidBatchEntryId',
      message: `The Id of a batch entry in a batch request does not abide by the specification: ${id}.`,
    }),
  batchRequestTooLong: (bytes: number) =>
    new AwsServiceError({
      code: 'BatchRequestTooLong',
      message: `The length of all the messages put together is more than the limit: ${bytes} > ${SNS.maxMessageBytes} bytes.`,
    }),
} as const;

/** An HTTP/S endpoint did not accept a delivery after every retry of its policy. */
export class HttpDeliveryError extends Error {
  override readonly name = 'HttpDeliveryError';
  readonly endpoint: string;
  readonly attempts: number;
  constructor(
    message: string,
    context: { readonly endpoint: string; readonly attempts: number; readonly cause?: unknown },
  ) {
    super(`${message} (endpoint ${context.endpoint}, ${context.attempts} attempts)`, {
      cause: context.cause,
    });
    this.endpoint = context.endpoint;
    this.attempts = context.attempts;
  }
}
