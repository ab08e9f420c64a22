/**
 * The Lambda `Context` object the local hosts hand to handlers, with the fields handlers read:
 * names, a request id and `getRemainingTimeInMillis` counting down from the configured timeout.
 */

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Options of {@link lambdaContext}. */
export interface LambdaContextOptions {
  readonly functionName: string;
  /** The function's timeout; `getRemainingTimeInMillis` counts down from it. @default 30_000 */
  readonly timeoutMillis?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** @default 512 */
  readonly memoryLimitMb?: number;
}

/** A fresh context for one invocation. */
export function lambdaContext(options: LambdaContextOptions): Context {
  const deadline = Date.now() + (options.timeoutMillis ?? 30_000);
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '000000000000';
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitMb ?? 512),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
