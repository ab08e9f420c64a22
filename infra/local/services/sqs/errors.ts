/**
 * SQS's own errors, with the codes AWS sends. The query code is what the query protocol and
 * `x-amzn-query-error` carry (and what SDK errors are named after); the shape is the JSON
 * protocol's `__type`. Reference: the error shapes of the SQS service model
 * (`awsQueryError` traits), e.g. `QueueDoesNotExist` = `AWS.SimpleQueueService.NonExistentQueue`.
 */

import { SQS } from '../../../limits.ts';
import { AwsServiceError } from '../http/errors.ts';

const ns = 'AWS.SimpleQueueService';

/** Factories of SQS errors, by meaning. */
export const SQS_ERRORS = {
  queueDoesNotExist: () =>
    new AwsServiceError({
      code: `${ns}.NonExistentQueue`,
      shape: 'QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    }),
  queueNameExists: (name: string) =>
    new AwsServiceError({
      code: 'QueueAlreadyExists',
      shape: 'QueueNameExists',
      message: `A queue already exists with the same name and a different value for attribute(s) of ${name}.`,
    }),
  queueDeletedRecently: (name: string, seconds: number) =>
    new AwsServiceError({
      code: `${ns}.QueueDeletedRecently`,
      shape: 'QueueDeletedRecently',
      message: `You must wait ${seconds} seconds after deleting a queue before you can create another with the same name (${name}).`,
    }),
  invalidAttributeName: (name: string) =>
    new AwsServiceError({ code: 'InvalidAttributeName', message: `Unknown Attribute ${name}.` }),
  invalidAttributeValue: (name: string, reason: string) =>
    new AwsServiceError({
      code: 'InvalidAttributeValue',
      message: `Invalid value for the parameter ${name}. Reason: ${reason}`,
    }),
  invalidParameterValue: (message: string) =>
    new AwsServiceError({ code: 'InvalidParameterValue', message }),
  receiptHandleIsInvalid: (handle: string) =>
    new AwsServiceError({
      code: 'ReceiptHandleIsInvalid',
      statusCode: 404,
      message: `The input receipt handle "${handle}" is not a valid receipt handle.`,
    }),
  messageNotInflight: () =>
    new AwsServiceError({
      code: `${ns}.MessageNotInflight`,
      shape: 'MessageNotInflight',
      message: 'The message referred to is not in flight.',
    }),
  invalidMessageContents: () =>
    new AwsServiceError({
      code: 'InvalidMessageContents',
      message:
        'Invalid characters found. Valid: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    }),
  messageTooLong: (maxBytes: number) =>
    new AwsServiceError({
      code: 'InvalidParameterValue',
      message: `One or more parameters are invalid. Reason: Message must be shorter than ${maxBytes} bytes.`,
    }),
  tooManyEntriesInBatch: (received: number) =>
    new AwsServiceError({
      code: `${ns}.TooManyEntriesInBatchRequest`,
      shape: 'TooManyEntriesInBatchRequest',
      message: `Maximum number of entries per request are ${SQS.maxBatchEntries}. You have sent ${received}.`,
    }),
  emptyBatch: (entryName: string) =>
    new AwsServiceError({
      code: `${ns}.EmptyBatchRequest`,
      shape: 'EmptyBatchRequest',
      message: `There should be at least one ${entryName} in the request.`,
    }),
  batchEntryIdsNotDistinct: (id: string) =>
    new AwsServiceError({
      code: `${ns}.BatchEntryIdsNotDistinct`,
      shape: 'BatchEntryIdsNotDistinct',
      message: `Id ${id} repeated.`,
    }),
  invalidBatchEntryId: () =>
    new AwsServiceError({
      code: `${ns}.InvalidBatchEntryId`,
      shape: 'InvalidBatchEntryId',
      message:
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    }),
  batchRequestTooLong: (bytes: number) =>
    new AwsServiceError({
      code: `${ns}.BatchRequestTooLong`,
      shape: 'BatchRequestTooLong',
      message: `Batch requests cannot be longer than ${SQS.maxBatchBytes} bytes. You have sent ${bytes} bytes.`,
    }),
  purgeQueueInProgress: (name: string, seconds: number) =>
    new AwsServiceError({
      code: `${ns}.PurgeQueueInProgress`,
      shape: 'PurgeQueueInProgress',
      statusCode: 403,
      message: `Only one PurgeQueue operation on ${name} is allowed every ${seconds} seconds.`,
    }),
  unsupportedOperation: (message: string) =>
    new AwsServiceError({
      code: `${ns}.UnsupportedOperation`,
      shape: 'UnsupportedOperation',
      message,
    }),
} as const;
