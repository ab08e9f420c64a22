/**
 * Fan-out of a published message to a topic's confirmed subscriptions: filter policy first, then
 * SQS (SendMessage with the real SDK client: the envelope, or with RawMessageDelivery the message
 * and its attributes as SQS message attributes) or HTTP/S (POST with SNS's headers, retried per
 * the delivery policy). Deliveries run in the background, as on AWS; `close()` cancels retries
 * and waits for what is in flight.
 */

import { randomUUID } from 'node:crypto';
import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SNS_TOPICS } from '../../../limits.ts';
import {
  confirmationEnvelope,
  messageFor,
  type Notification,
  notificationEnvelope,
} from './envelope.ts';
import { HttpDeliveryError } from './errors.ts';
import { matchesAttributes, matchesBody } from './filter-policy.ts';
import { retryDelayMillis, retryPolicyOf } from './retry-policy.ts';
import { filterPolicyOf, type Subscription, type Topic } from './store.ts';

/** Options of {@link Deliveries}. */
export interface DeliveriesOptions {
  readonly sqsClient: SQSClient;
  /** The SQS endpoint queue URLs are built on: `<endpoint>/<account>/<name>`. */
  readonly sqsEndpoint: string;
  /** This SNS endpoint, for SubscribeURL and UnsubscribeURL. */
  readonly snsEndpoint: () => string;
  /** Told of deliveries that failed for good. @default logs to stderr */
  readonly onError?: (error: unknown) => void;
}

const SQS_DELIVERY_ATTEMPTS = 3;

/** Whether a subscription's filter policy lets a notification through. */
export function passesFilter(subscription: Subscription, notification: Notification): boolean {
  const filter = filterPolicyOf(subscription);
  if (filter === undefined) return true;
  return filter.scope === 'MessageBody'
    ? matchesBody(filter.policy, messageFor(notification, subscription.protocol))
    : matchesAttributes(filter.policy, notification.messageAttributes);
}

/** Background deliveries of one SNS endpoint. */
export class Deliveries {
  readonly #options: DeliveriesOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #closing = new AbortController();

  constructor(options: DeliveriesOptions) {
    this.#options = options;
  }

  /** Delivers a notification to every confirmed subscription of the topic whose filter passes. */
  publish(topic: Topic, notification: Notification): void {
    for (const subscription of topic.subscriptions.values()) {
      if (!subscription.confirmed || !passesFilter(subscription, notification)) continue;
      this.#track(this.#deliver(topic, subscription, notification));
    }
  }

  /** Sends the SubscriptionConfirmation of a new HTTP/S subscription. */
  confirm(topic: Topic, subscription: Subscription): void {
    const body = confirmationEnvelope({
      messageId: randomUUID(),
      topicArn: topic.arn,
      token: subscription.token,
      timestamp: new Date().toISOString(),
      snsEndpoint: this.#options.snsEndpoint(),
    });
    this.#track(this.#post(topic, subscription, body, 'SubscriptionConfirmation', randomUUID()));
  }

  /** Cancels pending retries and waits for deliveries in flight. */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  #track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => {
        if (this.#closing.signal.aborted) return;
        if (this.#options.onError) this.#options.onError(error);
        else console.error('SNS delivery failed:', error);
      })
      .finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  async #deliver(
    topic: Topic,
    subscription: Subscription,
    notification: Notification,
  ): Promise<void> {
    const raw = subscription.attributes.RawMessageDelivery === 'true';
    const envelope = () =>
      notificationEnvelope(notification, {
        protocol: subscription.protocol,
        subscriptionArn: subscription.arn,
        snsEndpoint: this.#options.snsEndpoint(),
      });
    if (subscription.protocol === 'sqs') {
      await this.#toSqs(
        subscription,
        raw ? messageFor(notification, 'sqs') : envelope(),
        raw ? notification : undefined,
      );
    } else {
      const body = raw ? messageFor(notification, subscription.protocol) : envelope();
      await this.#post(topic, subscription, body, 'Notification', notification.messageId, raw);
    }
  }

  async #toSqs(
    subscription: Subscription,
    body: string,
    rawFrom: Notification | undefined,
  ): Promise<void> {
    const [, , , , account, name] = subscription.endpoint.split(':');
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [key, a] of Object.entries(rawFrom?.messageAttributes ?? {})) {
      attributes[key] =
        a.BinaryValue !== undefined
          ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') }
          : { DataType: a.DataType, StringValue: a.StringValue ?? '' };
    }
    const command = new SendMessageCommand({
      QueueUrl: `${this.#options.sqsEndpoint}/${account}/${name}`,
      MessageBody: body,
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#options.sqsClient.send(command, { abortSignal: this.#closing.signal });
        return;
      } catch (error) {
        if (attempt >= SQS_DELIVERY_ATTEMPTS || this.#closing.signal.aborted) throw error;
        await this.#sleep(100 * attempt);
      }
    }
  }

  async #post(
    topic: Topic,
    subscription: Subscription,
    body: string,
    type: 'Notification' | 'SubscriptionConfirmation',
    messageId: string,
    raw = false,
  ): Promise<void> {
    const policy = retryPolicyOf(
      subscription.attributes.DeliveryPolicy,
      topic.attributes.DeliveryPolicy,
    );
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      'x-amz-sns-message-type': type,
      'x-amz-sns-message-id': messageId,
      'x-amz-sns-topic-arn': topic.arn,
      ...(type === 'Notification' ? { 'x-amz-sns-subscription-arn': subscription.arn } : {}),
      ...(raw ? { 'x-amz-sns-rawdelivery': 'true' } : {}),
    };
    let lastError: unknown;
    for (let attempt = 0; attempt <= policy.numRetries; attempt++) {
      if (attempt > 0) await this.#sleep(retryDelayMillis(policy, attempt));
      if (this.#closing.signal.aborted) return;
      try {
        const response = await fetch(subscription.endpoint, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([
            this.#closing.signal,
            AbortSignal.timeout(SNS_TOPICS.httpDeliveryTimeoutMillis),
          ]),
        });
        await response.arrayBuffer();
        if (response.status >= 200 && response.status < 300) return;
        lastError = new Error(`HTTP ${response.status}`);
      } catch (error) {
        lastError = error;
      }
    }
    throw new HttpDeliveryError(`${type} not accepted`, {
      endpoint: subscription.endpoint,
      attempts: policy.numRetries + 1,
      cause: lastError,
    });
  }

  #sleep(millis: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, millis);
      this.#closing.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
