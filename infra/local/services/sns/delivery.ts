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
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SNS_TOPICS, SQS } from '../../../limits.ts';
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

  /**
   * Delivers notifications to every confirmed subscription of the topic whose filter passes.
   * A queue receives a batch's notifications in SendMessageBatch calls of up to 10: the queue
   * sees the same messages, at a tenth of the calls.
   */
  publish(topic: Topic, notifications: readonly Notification[]): void {
    for (const subscription of topic.subscriptions.values()) {
      if (!subscription.confirmed) continue;
      const passing = notifications.filter((n) => passesFilter(subscription, n));
      if (passing.length === 0) continue;
      if (subscription.protocol === 'sqs') {
        this.#track(this.#toSqs(subscription, passing));
        continue;
      }
      const raw = subscription.attributes.RawMessageDelivery === 'true';
      for (const notification of passing) {
        const body = raw
          ? messageFor(notification, subscription.protocol)
          : this.#envelope(subscription, notification);
        this.#track(
          this.#post(topic, subscription, body, 'Notification', notification.messageId, raw),
        );
      }
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

  #envelope(subscription: Subscription, notification: Notification): string {
    return notificationEnvelope(notification, {
      protocol: subscription.protocol,
      subscriptionArn: subscription.arn,
      snsEndpoint: this.#options.snsEndpoint(),
    });
  }

  /** What the queue receives: the envelope, or the raw message with its attributes. */
  #sqsEntry(subscription: Subscription, notification: Notification, id: number) {
    if (subscription.attributes.RawMessageDelivery !== 'true') {
      return { Id: String(id), MessageBody: this.#envelope(subscription, notification) };
    }
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [key, a] of Object.entries(notification.messageAttributes)) {
      attributes[key] =
        a.BinaryValue !== undefined
          ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') }
          : { DataType: a.DataType, StringValue: a.StringValue ?? '' };
    }
    return {
      Id: String(id),
      MessageBody: messageFor(notification, 'sqs'),
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    };
  }

  async #toSqs(subscription: Subscription, notifications: readonly Notification[]): Promise<void> {
    const [, , , , account, name] = subscription.endpoint.split(':');
    const QueueUrl = `${this.#options.sqsEndpoint}/${account}/${name}`;
    const entries = notifications.map((n, i) => this.#sqsEntry(subscription, n, i));
    // Chunks within SQS's batch limits: 10 entries, 256 KiB of bodies.
    const chunks: (typeof entries)[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = Buffer.byteLength(entry.MessageBody);
      const last = chunks.at(-1);
      if (
        last === undefined ||
        last.length >= SQS.maxBatchEntries ||
        bytes + size > SQS.maxBatchBytes
      ) {
        chunks.push([entry]);
        bytes = size;
      } else {
        last.push(entry);
        bytes += size;
      }
    }
    for (const Entries of chunks) {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await this.#options.sqsClient.send(
            new SendMessageBatchCommand({ QueueUrl, Entries }),
            { abortSignal: this.#closing.signal },
          );
          if (result.Failed && result.Failed.length > 0) {
            const [first] = result.Failed;
            throw new Error(
              `${result.Failed.length} deliveries to ${QueueUrl} refused: ${first?.Code}: ${first?.Message}`,
            );
          }
          break;
        } catch (error) {
          if (attempt >= SQS_DELIVERY_ATTEMPTS || this.#closing.signal.aborted) throw error;
          await this.#sleep(100 * attempt);
        }
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
