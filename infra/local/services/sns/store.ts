/**
 * The topics and subscriptions of one account and region, with naming (ARNs), lookup, and the
 * persisted form. Protocol-free: the actions validate inputs and shape outputs.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { SNS_ERRORS } from './errors.ts';
import { type PolicyNode, parseFilterPolicy } from './filter-policy.ts';

/** A subscription. Attributes are kept as the strings the API carries. */
export interface Subscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: 'sqs' | 'http' | 'https';
  readonly endpoint: string;
  attributes: Record<string, string>;
  /** HTTP/S subscriptions wait for ConfirmSubscription with this token. */
  readonly token: string;
  confirmed: boolean;
}

/** A topic. */
export interface Topic {
  readonly arn: string;
  readonly name: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  readonly subscriptions: Map<string, Subscription>;
}

/** The persisted form of a store. */
export interface SnsStoreSnapshot {
  readonly version: 1;
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly attributes: Record<string, string>;
    readonly tags: Record<string, string>;
    readonly subscriptions: readonly Subscription[];
  }>;
}

/** The subscription's filter policy, compiled, if it has one. */
export function filterPolicyOf(
  subscription: Subscription,
): { policy: PolicyNode; scope: 'MessageAttributes' | 'MessageBody' } | undefined {
  const text = subscription.attributes.FilterPolicy;
  if (text === undefined || text === '') return undefined;
  const scope =
    subscription.attributes.FilterPolicyScope === 'MessageBody'
      ? 'MessageBody'
      : 'MessageAttributes';
  return { policy: parseFilterPolicy(text, scope), scope };
}

/** All topics of the endpoint. */
export class SnsStore {
  readonly region: string;
  readonly accountId: string;
  readonly #topics = new Map<string, Topic>();
  readonly #onChange: () => void;

  constructor(options: { region: string; accountId: string; onChange?: () => void }) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.#onChange = options.onChange ?? (() => undefined);
  }

  /** Records a change (for persistence). */
  changed(): void {
    this.#onChange();
  }

  /** Creates a topic, or returns the one of that name (CreateTopic is idempotent). */
  createTopic(
    name: string,
    attributes: Record<string, string>,
    tags: Record<string, string>,
  ): Topic {
    const arn = `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
    const existing = this.#topics.get(arn);
    if (existing !== undefined) return existing;
    const topic: Topic = { arn, name, attributes, tags, subscriptions: new Map() };
    this.#topics.set(arn, topic);
    this.changed();
    return topic;
  }

  /** The topic of an ARN, or `NotFound`. */
  topic(arn: string): Topic {
    const topic = this.#topics.get(arn);
    if (topic === undefined) throw SNS_ERRORS.topicNotFound();
    return topic;
  }

  /** Topics in ARN order. */
  topics(): Topic[] {
    return [...this.#topics.values()].sort((a, b) => (a.arn < b.arn ? -1 : 1));
  }

  deleteTopic(arn: string): void {
    if (this.#topics.delete(arn)) this.changed();
  }

  /**
   * Subscribes an endpoint; an identical subscription (same protocol and endpoint) is returned
   * as it is, as SNS does.
   */
  subscribe(
    topic: Topic,
    protocol: Subscription['protocol'],
    endpoint: string,
    attributes: Record<string, string>,
  ): Subscription {
    for (const existing of topic.subscriptions.values()) {
      if (existing.protocol === protocol && existing.endpoint === endpoint) return existing;
    }
    const subscription: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      protocol,
      endpoint,
      attributes,
      token: randomBytes(32).toString('hex'),
      confirmed: protocol === 'sqs',
    };
    topic.subscriptions.set(subscription.arn, subscription);
    this.changed();
    return subscription;
  }

  /** The subscription of an ARN, or `NotFound`. */
  subscription(arn: string): Subscription {
    for (const topic of this.#topics.values()) {
      const subscription = topic.subscriptions.get(arn);
      if (subscription !== undefined) return subscription;
    }
    throw SNS_ERRORS.subscriptionNotFound();
  }

  unsubscribe(arn: string): void {
    for (const topic of this.#topics.values()) {
      if (topic.subscriptions.delete(arn)) this.changed();
    }
  }

  /** Every subscription, by topic. */
  subscriptions(): Subscription[] {
    return this.topics().flatMap((t) => [...t.subscriptions.values()]);
  }

  /** The persisted form. */
  snapshot(): SnsStoreSnapshot {
    return {
      version: 1,
      topics: this.topics().map((t) => ({
        name: t.name,
        attributes: t.attributes,
        tags: t.tags,
        subscriptions: [...t.subscriptions.values()],
      })),
    };
  }

  /** Replaces the topics with a persisted snapshot. */
  load(snapshot: SnsStoreSnapshot): void {
    this.#topics.clear();
    for (const saved of snapshot.topics) {
      const topic = this.createTopic(saved.name, { ...saved.attributes }, { ...saved.tags });
      for (const s of saved.subscriptions)
        topic.subscriptions.set(s.arn, { ...s, attributes: { ...s.attributes } });
    }
  }
}
