/**
 * The errors of the local EventBridge endpoint, with the codes and messages EventBridge answers
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html and each
 * action's Errors section), so SDK code that tests `error.name` behaves as it does on AWS.
 */

import { AwsServiceError } from '../http/errors.ts';

/** Error factories by AWS error code. */
export const EVENTBRIDGE_ERRORS = {
  validation: (message: string) => new AwsServiceError({ code: 'ValidationException', message }),
  /** A list parameter outside its length bounds, worded as AWS's model validation does. */
  lengthConstraint: (
    member: string,
    received: number,
    bound: 'at least' | 'at most',
    limit: number,
  ) =>
    new AwsServiceError({
      code: 'ValidationException',
      message:
        `1 validation error detected: Value with ${received} elements at '${member}' failed to satisfy constraint: ` +
        `Member must have length ${bound === 'at most' ? 'less' : 'greater'} than or equal to ${limit}`,
    }),
  invalidPattern: (message: string) =>
    new AwsServiceError({ code: 'InvalidEventPatternException', message }),
  notFound: (message: string) =>
    new AwsServiceError({ code: 'ResourceNotFoundException', message }),
  alreadyExists: (message: string) =>
    new AwsServiceError({ code: 'ResourceAlreadyExistsException', message }),
  limitExceeded: (message: string) =>
    new AwsServiceError({ code: 'LimitExceededException', message }),
  missing: (name: string) =>
    new AwsServiceError({
      code: 'ValidationException',
      message: `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    }),
} as const;

/** A target could not be delivered after every attempt; passed to `onDeliveryError`. */
export class TargetDeliveryError extends Error {
  override readonly name = 'TargetDeliveryError';
  readonly ruleArn: string;
  readonly targetArn: string;
  readonly eventId: string;
  readonly attempts: number;
  constructor(
    context: { ruleArn: string; targetArn: string; eventId: string; attempts: number },
    cause: unknown,
  ) {
    super(
      `event ${context.eventId} of rule ${context.ruleArn} could not be delivered to ${context.targetArn} after ${context.attempts} attempts: ${String(cause)}`,
      { cause },
    );
    this.ruleArn = context.ruleArn;
    this.targetArn = context.targetArn;
    this.eventId = context.eventId;
    this.attempts = context.attempts;
  }
}
