/**
 * Errors of the local AWS endpoints. {@link AwsServiceError} is what an action handler throws to
 * answer with an AWS error; the protocol writers turn it into the wire shape each protocol uses
 * (`__type` JSON for the JSON protocols, `<ErrorResponse>` XML for the query protocol).
 */

/** Who is at fault, as AWS reports it in `<Type>` and `x-amzn-query-error`. */
export type AwsFault = 'Sender' | 'Receiver';

/** The fields of an AWS error, as the service defines it. */
export interface AwsErrorProps {
  /**
   * The error code of the query protocol and of `x-amzn-query-error`, e.g.
   * `AWS.SimpleQueueService.NonExistentQueue` or `InvalidParameterValue`.
   */
  readonly code: string;
  readonly message: string;
  /** @default 400 */
  readonly statusCode?: number;
  /**
   * The error's shape name in the service model, sent as `__type` by the JSON protocols, e.g.
   * `QueueDoesNotExist`. @default the code
   */
  readonly shape?: string;
  /** @default 'Sender' when statusCode < 500, else 'Receiver' */
  readonly fault?: AwsFault;
}

/** An AWS service error that the endpoint answers with, in the protocol of the request. */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  readonly code: string;
  readonly shape: string;
  readonly statusCode: number;
  readonly fault: AwsFault;
  constructor(props: AwsErrorProps) {
    super(props.message);
    this.code = props.code;
    this.shape = props.shape ?? props.code;
    this.statusCode = props.statusCode ?? 400;
    this.fault = props.fault ?? (this.statusCode < 500 ? 'Sender' : 'Receiver');
  }
}

/** A request body is larger than the endpoint reads. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly limitBytes: number;
  readonly receivedBytes: number;
  constructor(context: { readonly limitBytes: number; readonly receivedBytes: number }) {
    super(
      `request body of at least ${context.receivedBytes} bytes exceeds the limit of ${context.limitBytes} bytes`,
    );
    this.limitBytes = context.limitBytes;
    this.receivedBytes = context.receivedBytes;
  }
}

/** A persisted state file exists but cannot be read back. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  readonly path: string;
  constructor(message: string, context: { readonly path: string; readonly cause?: unknown }) {
    super(`${message} (state file ${context.path})`, { cause: context.cause });
    this.path = context.path;
  }
}

/** Errors every AWS service shares (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html). */
export const COMMON_ERRORS = {
  missingParameter: (name: string) =>
    new AwsServiceError({
      code: 'MissingParameter',
      message: `The request must contain the parameter ${name}.`,
    }),
  invalidParameterValue: (message: string) =>
    new AwsServiceError({ code: 'InvalidParameterValue', message }),
  invalidAction: (action: string) =>
    new AwsServiceError({
      code: 'InvalidAction',
      message: `The action or operation requested is invalid: ${action}.`,
    }),
  malformedRequest: (message: string) =>
    new AwsServiceError({ code: 'MalformedQueryString', message }),
  requestTooLarge: (limitBytes: number) =>
    new AwsServiceError({
      code: 'RequestEntityTooLarge',
      message: `Request body is larger than ${limitBytes} bytes.`,
      statusCode: 413,
    }),
  internal: (message: string) =>
    new AwsServiceError({ code: 'InternalFailure', message, statusCode: 500 }),
} as const;
