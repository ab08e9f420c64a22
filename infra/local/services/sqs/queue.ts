/**
 * One standard queue: its messages and their visibility. Protocol-free and clock-driven (`now`
 * in epoch milliseconds is passed in), so the rules can be read, and tested, on their own:
 * a message is visible when `availableAt <= now`; receiving hides it for the visibility timeout
 * and counts the receive; a message received `maxReceiveCount` times moves to the dead-letter
 * queue on its next receive, as SQS's redrive does; retention drops messages lazily.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { SQS_QUEUES } from '../../../limits.ts';
import { intAttribute, redrivePolicyOf } from './attributes.ts';
import { SQS_ERRORS } from './errors.ts';
import { type MessageAttributeValue, md5Hex, md5OfMessageAttributes } from './md5.ts';

/** A message as the queue stores it (and persists it). */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes: string | undefined;
  readonly systemAttributes: Readonly<Record<string, string>>;
  readonly sentTimestamp: number;
  readonly senderId: string;
  /** Visible once `now >= availableAt`: covers both delay and visibility timeout. */
  availableAt: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  /** The handle of the latest receive; undefined until first received. */
  receiptHandle: string | undefined;
}

/** What a send stores. */
export interface NewMessage {
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly systemAttributes?: Readonly<Record<string, string>>;
  readonly delaySeconds?: number;
  readonly senderId: string;
}

/** Approximate counts, as GetQueueAttributes reports them. */
export interface QueueCounts {
  readonly visible: number;
  readonly notVisible: number;
  readonly delayed: number;
}

/** Moves a message to the dead-letter queue; false when that queue does not exist. */
export type DeadLetterSink = (deadLetterTargetArn: string, message: StoredMessage) => boolean;

/** The persisted form of a queue. */
export interface QueueSnapshot {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: number;
  readonly lastModifiedAt: number;
  readonly messages: readonly StoredMessage[];
}

/** Decodes a receipt handle into the message id it names, or throws ReceiptHandleIsInvalid. */
export function messageIdOfHandle(handle: string): string {
  const decoded = Buffer.from(handle, 'base64url').toString('utf8');
  const [messageId, nonce] = decoded.split(' ');
  if (messageId === undefined || nonce === undefined || !/^[0-9a-f-]{36}$/.test(messageId)) {
    throw SQS_ERRORS.receiptHandleIsInvalid(handle);
  }
  return messageId;
}

/** A standard queue. */
export class Queue {
  readonly name: string;
  readonly arn: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  readonly createdAt: number;
  lastModifiedAt: number;
  lastPurgeAt: number | undefined;
  readonly #messages = new Map<string, StoredMessage>();
  readonly #waiters = new Set<() => void>();

  constructor(props: {
    name: string;
    arn: string;
    attributes: Record<string, string>;
    tags?: Record<string, string>;
    createdAt: number;
    lastModifiedAt?: number;
    messages?: readonly StoredMessage[];
  }) {
    this.name = props.name;
    this.arn = props.arn;
    this.attributes = props.attributes;
    this.tags = props.tags ?? {};
    this.createdAt = props.createdAt;
    this.lastModifiedAt = props.lastModifiedAt ?? props.createdAt;
    for (const message of props.messages ?? []) this.#messages.set(message.messageId, message);
  }

  /** Stores a message; it is visible after its delay (the queue's DelaySeconds by default). */
  send(message: NewMessage, now: number): StoredMessage {
    const delaySeconds = message.delaySeconds ?? intAttribute(this.attributes, 'DelaySeconds');
    const stored: StoredMessage = {
      messageId: randomUUID(),
      body: message.body,
      md5OfBody: md5Hex(message.body),
      messageAttributes: message.messageAttributes,
      md5OfMessageAttributes: md5OfMessageAttributes(message.messageAttributes),
      systemAttributes: message.systemAttributes ?? {},
      sentTimestamp: now,
      senderId: message.senderId,
      availableAt: now + delaySeconds * 1000,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiptHandle: undefined,
    };
    this.#messages.set(stored.messageId, stored);
    this.notify();
    return stored;
  }

  /** Takes a message moved here from another queue's redrive, visible at once. */
  adopt(message: StoredMessage, now: number): void {
    this.#messages.set(message.messageId, {
      ...message,
      availableAt: now,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiptHandle: undefined,
    });
    this.notify();
  }

  /**
   * Receives up to `max` visible messages and hides them for `visibilitySeconds`. Messages already
   * received `maxReceiveCount` times go to the dead-letter queue through `deadLetter` instead.
   */
  receive(
    max: number,
    visibilitySeconds: number,
    now: number,
    deadLetter: DeadLetterSink,
  ): StoredMessage[] {
    this.#expire(now);
    const redrive = redrivePolicyOf(this.attributes);
    const received: StoredMessage[] = [];
    for (const message of this.#messages.values()) {
      if (received.length >= max) break;
      if (message.availableAt > now) continue;
      if (redrive !== undefined && message.receiveCount >= redrive.maxReceiveCount) {
        if (deadLetter(redrive.deadLetterTargetArn, message)) {
          this.#messages.delete(message.messageId);
          continue;
        }
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.availableAt = now + visibilitySeconds * 1000;
      message.receiptHandle = Buffer.from(
        `${message.messageId} ${randomBytes(12).toString('hex')}`,
      ).toString('base64url');
      received.push(message);
    }
    return received;
  }

  /** Deletes the message a receipt handle names; a handle of a deleted message is a no-op, as in SQS. */
  delete(receiptHandle: string): void {
    this.#messages.delete(messageIdOfHandle(receiptHandle));
  }

  /** Sets the remaining visibility timeout of an in-flight message (0 makes it visible now). */
  changeVisibility(receiptHandle: string, timeoutSeconds: number, now: number): void {
    const message = this.#messages.get(messageIdOfHandle(receiptHandle));
    if (message === undefined || message.receiptHandle !== receiptHandle) {
      throw SQS_ERRORS.invalidParameterValue(
        `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    if (message.availableAt <= now) throw SQS_ERRORS.messageNotInflight();
    message.availableAt = now + timeoutSeconds * 1000;
    if (timeoutSeconds === 0) this.notify();
  }

  /** Deletes every message; at most once a minute, as SQS allows. */
  purge(now: number): void {
    const interval = SQS_QUEUES.purgeIntervalSeconds * 1000;
    if (this.lastPurgeAt !== undefined && now - this.lastPurgeAt < interval) {
      throw SQS_ERRORS.purgeQueueInProgress(this.name, SQS_QUEUES.purgeIntervalSeconds);
    }
    this.lastPurgeAt = now;
    this.#messages.clear();
  }

  /** Approximate counts: visible, in flight, delayed (sent but never yet visible). */
  counts(now: number): QueueCounts {
    this.#expire(now);
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const message of this.#messages.values()) {
      if (message.availableAt <= now) visible += 1;
      else if (message.receiptHandle !== undefined) notVisible += 1;
      else delayed += 1;
    }
    return { visible, notVisible, delayed };
  }

  /** The earliest time a hidden message becomes visible, if any is hidden. */
  nextAvailableAt(now: number): number | undefined {
    let next: number | undefined;
    for (const message of this.#messages.values()) {
      if (message.availableAt > now && (next === undefined || message.availableAt < next)) {
        next = message.availableAt;
      }
    }
    return next;
  }

  /** Resolves on the next {@link Queue.notify}, after `millis`, or on abort, whichever is first. */
  waitForChange(millis: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, millis));
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every long poll waiting on this queue. */
  notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** The persisted form. */
  snapshot(): QueueSnapshot {
    return {
      name: this.name,
      attributes: this.attributes,
      tags: this.tags,
      createdAt: this.createdAt,
      lastModifiedAt: this.lastModifiedAt,
      messages: [...this.#messages.values()],
    };
  }

  #expire(now: number): void {
    const retentionMillis = intAttribute(this.attributes, 'MessageRetentionPeriod') * 1000;
    for (const message of this.#messages.values()) {
      if (message.sentTimestamp + retentionMillis <= now) this.#messages.delete(message.messageId);
    }
  }
}
