/**
 * The delay before each retry of an HTTP/S delivery, from the subscription's (or topic's)
 * DeliveryPolicy `healthyRetryPolicy`: `numNoDelayRetries` immediate retries, then delays
 * growing from `minDelayTarget` to `maxDelayTarget` seconds, `numRetries` in all.
 * Reference: https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
 */

import { SNS_TOPICS } from '../../../limits.ts';

/** A parsed healthy retry policy (delays in seconds, as SNS writes them). */
export interface RetryPolicy {
  readonly numRetries: number;
  readonly numNoDelayRetries: number;
  readonly minDelayTarget: number;
  readonly maxDelayTarget: number;
  readonly backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

/** SNS's default policy for HTTP/S: 3 retries, 20 s apart. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  numRetries: SNS_TOPICS.defaultHttpRetries,
  numNoDelayRetries: 0,
  minDelayTarget: 20,
  maxDelayTarget: 20,
  backoffFunction: 'linear',
};

/** The policy of a subscription, falling back to the topic's `http.defaultHealthyRetryPolicy`. */
export function retryPolicyOf(
  subscriptionPolicy: string | undefined,
  topicPolicy: string | undefined,
): RetryPolicy {
  const parse = (text: string | undefined): Record<string, unknown> | undefined => {
    if (text === undefined || text === '') return undefined;
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const own = parse(subscriptionPolicy)?.healthyRetryPolicy;
  const topic = (parse(topicPolicy)?.http as Record<string, unknown> | undefined)
    ?.defaultHealthyRetryPolicy;
  const chosen = (own ?? topic ?? {}) as Partial<RetryPolicy>;
  return { ...DEFAULT_RETRY_POLICY, ...chosen };
}

/** Milliseconds to wait before retry number `retry` (1-based). */
export function retryDelayMillis(policy: RetryPolicy, retry: number): number {
  if (retry <= policy.numNoDelayRetries) return 0;
  const steps = Math.max(1, policy.numRetries - policy.numNoDelayRetries);
  const step = retry - policy.numNoDelayRetries - 1;
  const min = policy.minDelayTarget;
  const max = Math.max(min, policy.maxDelayTarget);
  const fraction = steps === 1 ? 0 : step / (steps - 1);
  const grow: Record<RetryPolicy['backoffFunction'], number> = {
    linear: fraction,
    arithmetic: fraction * fraction,
    geometric: fraction ** 3,
    exponential: fraction === 0 ? 0 : 2 ** (10 * (fraction - 1)),
  };
  return Math.round((min + (max - min) * (grow[policy.backoffFunction] ?? fraction)) * 1000);
}
