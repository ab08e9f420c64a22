/**
 * The JSON documents SNS delivers: the `Notification` envelope (to SQS unless raw delivery is on,
 * and to HTTP/S endpoints) and the `SubscriptionConfirmation` sent to a new HTTP/S subscription.
 * Field names and order follow what SNS sends.
 * Reference: https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 *
 * The local endpoint cannot sign with Amazon's key: `Signature` is a SHA-256 digest of the
 * canonical string, not an RSA signature, so receivers that verify signatures must skip it locally.
 */

import { createHash } from 'node:crypto';
import type { SnsMessageAttribute } from './filter-policy.ts';

/** One published message, as it is fanned out. */
export interface Notification {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject: string | undefined;
  /** The message, or with MessageStructure=json the per-protocol messages and `default`. */
  readonly message: string;
  readonly structured: Readonly<Record<string, string>> | undefined;
  readonly timestamp: string;
  readonly messageAttributes: Readonly<Record<string, SnsMessageAttribute>>;
}

/** The message a protocol receives (MessageStructure=json picks the protocol's own). */
export function messageFor(notification: Notification, protocol: string): string {
  return (
    notification.structured?.[protocol] ?? notification.structured?.default ?? notification.message
  );
}

function signature(fields: Readonly<Record<string, string | undefined>>): string {
  const canonical = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
  return createHash('sha256').update(canonical).digest('base64');
}

/** The Notification envelope for one subscription. */
export function notificationEnvelope(
  notification: Notification,
  props: {
    readonly protocol: string;
    readonly subscriptionArn: string;
    readonly snsEndpoint: string;
  },
): string {
  const message = messageFor(notification, props.protocol);
  const signed = {
    Message: message,
    MessageId: notification.messageId,
    Subject: notification.subject,
    Timestamp: notification.timestamp,
    TopicArn: notification.topicArn,
    Type: 'Notification',
  };
  const attributes = Object.entries(notification.messageAttributes);
  return JSON.stringify({
    Type: 'Notification',
    MessageId: notification.messageId,
    TopicArn: notification.topicArn,
    ...(notification.subject !== undefined ? { Subject: notification.subject } : {}),
    Message: message,
    Timestamp: notification.timestamp,
    SignatureVersion: '1',
    Signature: signature(signed),
    SigningCertURL: `${props.snsEndpoint}/SimpleNotificationService-local.pem`,
    UnsubscribeURL: `${props.snsEndpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(props.subscriptionArn)}`,
    ...(attributes.length > 0
      ? {
          MessageAttributes: Object.fromEntries(
            attributes.map(([name, a]) => [
              name,
              { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue ?? '' },
            ]),
          ),
        }
      : {}),
  });
}

/** The SubscriptionConfirmation an HTTP/S endpoint receives; it confirms by visiting SubscribeURL. */
export function confirmationEnvelope(props: {
  readonly messageId: string;
  readonly topicArn: string;
  readonly token: string;
  readonly timestamp: string;
  readonly snsEndpoint: string;
}): string {
  const message = `You have chosen to subscribe to the topic ${props.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
  const subscribeUrl = `${props.snsEndpoint}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(props.topicArn)}&Token=${props.token}`;
  const signed = {
    Message: message,
    MessageId: props.messageId,
    SubscribeURL: subscribeUrl,
    Timestamp: props.timestamp,
    Token: props.token,
    TopicArn: props.topicArn,
    Type: 'SubscriptionConfirmation',
  };
  return JSON.stringify({
    Type: 'SubscriptionConfirmation',
    MessageId: props.messageId,
    Token: props.token,
    TopicArn: props.topicArn,
    Message: message,
    SubscribeURL: subscribeUrl,
    Timestamp: props.timestamp,
    SignatureVersion: '1',
    Signature: signature(signed),
    SigningCertURL: `${props.snsEndpoint}/SimpleNotificationService-local.pem`,
  });
}
