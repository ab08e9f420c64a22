/**
 * SNS's topic and subscription actions, on query-protocol parameters, answering with the XML
 * shapes of the SNS API (wrapped lists `<member>`, maps `<entry><key/><value/></entry>`).
 */

import { SNS_TOPICS } from '../../../limits.ts';
import { listMembers, mapEntries, type QueryParams, requireParam } from '../http/query-protocol.ts';
import type { XmlNode } from '../http/xml.ts';
import type { Deliveries } from './delivery.ts';
import { SNS_ERRORS } from './errors.ts';
import { parseFilterPolicy } from './filter-policy.ts';
import type { SnsStore, Subscription, Topic } from './store.ts';

const TOPIC_NAME = /^[A-Za-z0-9_-]+$/;
const SQS_ARN = /^arn:aws:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/;
const SUBSCRIPTION_ATTRIBUTES = new Set([
  'RawMessageDelivery',
  'FilterPolicy',
  'FilterPolicyScope',
  'DeliveryPolicy',
  'RedrivePolicy',
  'SubscriptionRoleArn',
]);
const TOPIC_ATTRIBUTES = new Set([
  'DisplayName',
  'Policy',
  'DeliveryPolicy',
  'KmsMasterKeyId',
  'TracingConfig',
  'SignatureVersion',
]);

function attributeMap(params: QueryParams, name: string): Record<string, string> {
  return Object.fromEntries(
    mapEntries(params, name, { key: 'key', value: 'value' }).map((e) => [e.key, e.value ?? '']),
  );
}

function entries(map: Readonly<Record<string, string>>): XmlNode {
  return { entry: Object.entries(map).map(([key, value]) => ({ key, value })) };
}

/** Checks subscription attributes: known names, boolean and JSON values, a valid filter policy. */
function checkSubscriptionAttributes(
  attributes: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>> = {},
): void {
  const merged = { ...current, ...attributes };
  for (const [name, value] of Object.entries(attributes)) {
    if (!SUBSCRIPTION_ATTRIBUTES.has(name))
      throw SNS_ERRORS.invalidParameter(`AttributeName ${name}`);
    if (name === 'RawMessageDelivery' && value !== 'true' && value !== 'false') {
      throw SNS_ERRORS.invalidParameter('RawMessageDelivery: must be true or false');
    }
    if (name === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') {
      throw SNS_ERRORS.invalidParameter(
        'FilterPolicyScope: must be MessageAttributes or MessageBody',
      );
    }
    if ((name === 'DeliveryPolicy' || name === 'RedrivePolicy') && value !== '') {
      try {
        JSON.parse(value);
      } catch {
        throw SNS_ERRORS.invalidParameter(`${name}: failed to parse JSON`);
      }
    }
  }
  if (merged.FilterPolicy) {
    parseFilterPolicy(
      merged.FilterPolicy,
      merged.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes',
    );
  }
}

function subscriptionXml(s: Subscription, accountId: string): XmlNode {
  return {
    SubscriptionArn: s.confirmed ? s.arn : 'PendingConfirmation',
    Owner: accountId,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: s.topicArn,
  };
}

/** A page of `items` after `token` (an index), with the next token when more remain. */
function page<T>(
  items: readonly T[],
  token: string | undefined,
): { items: T[]; next: string | undefined } {
  const start =
    token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8')) || 0;
  const end = start + SNS_TOPICS.listPageSize;
  return {
    items: items.slice(start, end),
    next: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

/** Topic and subscription actions by name. */
export function topicActions(store: SnsStore, deliveries: Deliveries) {
  const topicAttributes = (topic: Topic): Record<string, string> => {
    const subscriptions = [...topic.subscriptions.values()];
    return {
      TopicArn: topic.arn,
      Owner: store.accountId,
      DisplayName: '',
      SubscriptionsConfirmed: String(subscriptions.filter((s) => s.confirmed).length),
      SubscriptionsPending: String(subscriptions.filter((s) => !s.confirmed).length),
      SubscriptionsDeleted: '0',
      ...topic.attributes,
    };
  };
  return {
    CreateTopic(params: QueryParams): XmlNode {
      const name = requireParam(params, 'Name');
      if (name.endsWith('.fifo'))
        throw SNS_ERRORS.invalidParameter(
          'FIFO topics are not supported by the local SNS endpoint',
        );
      if (name.length > SNS_TOPICS.maxTopicNameLength || !TOPIC_NAME.test(name)) {
        throw SNS_ERRORS.invalidParameter(
          `Topic Name: use 1 to ${SNS_TOPICS.maxTopicNameLength} of A-Z a-z 0-9 _ -, got ${JSON.stringify(name)}`,
        );
      }
      const attributes = attributeMap(params, 'Attributes');
      for (const key of Object.keys(attributes)) {
        if (!TOPIC_ATTRIBUTES.has(key)) throw SNS_ERRORS.invalidParameter(`AttributeName ${key}`);
      }
      const tags = Object.fromEntries(
        listMembers(params, 'Tags').map((t) => [t.Key ?? '', t.Value ?? '']),
      );
      return { TopicArn: store.createTopic(name, attributes, tags).arn };
    },

    DeleteTopic(params: QueryParams): XmlNode {
      store.deleteTopic(requireParam(params, 'TopicArn'));
      return undefined;
    },

    ListTopics(params: QueryParams): XmlNode {
      const { items, next } = page(store.topics(), params.NextToken);
      return { Topics: { member: items.map((t) => ({ TopicArn: t.arn })) }, NextToken: next };
    },

    GetTopicAttributes(params: QueryParams): XmlNode {
      return {
        Attributes: entries(topicAttributes(store.topic(requireParam(params, 'TopicArn')))),
      };
    },

    SetTopicAttributes(params: QueryParams): XmlNode {
      const topic = store.topic(requireParam(params, 'TopicArn'));
      const name = requireParam(params, 'AttributeName');
      if (!TOPIC_ATTRIBUTES.has(name)) throw SNS_ERRORS.invalidParameter(`AttributeName ${name}`);
      topic.attributes = { ...topic.attributes, [name]: params.AttributeValue ?? '' };
      store.changed();
      return undefined;
    },

    Subscribe(params: QueryParams): XmlNode {
      const topic = store.topic(requireParam(params, 'TopicArn'));
      const protocol = requireParam(params, 'Protocol');
      const endpoint = requireParam(params, 'Endpoint');
      if (protocol !== 'sqs' && protocol !== 'http' && protocol !== 'https') {
        throw SNS_ERRORS.invalidParameter(
          `Protocol ${protocol}: the local SNS endpoint delivers to sqs, http and https`,
        );
      }
      if (protocol === 'sqs' && !SQS_ARN.test(endpoint))
        throw SNS_ERRORS.invalidParameter('SQS endpoint ARN');
      if (protocol !== 'sqs' && !endpoint.startsWith(`${protocol}://`)) {
        throw SNS_ERRORS.invalidParameter('Endpoint must match the specified protocol');
      }
      const attributes = attributeMap(params, 'Attributes');
      checkSubscriptionAttributes(attributes);
      const subscription = store.subscribe(topic, protocol, endpoint, attributes);
      if (!subscription.confirmed) deliveries.confirm(topic, subscription);
      const returnArn = params.ReturnSubscriptionArn === 'true';
      return {
        SubscriptionArn:
          subscription.confirmed || returnArn ? subscription.arn : 'pending confirmation',
      };
    },

    ConfirmSubscription(params: QueryParams): XmlNode {
      const topic = store.topic(requireParam(params, 'TopicArn'));
      const token = requireParam(params, 'Token');
      const subscription = [...topic.subscriptions.values()].find((s) => s.token === token);
      if (subscription === undefined) throw SNS_ERRORS.invalidParameter('Token');
      subscription.confirmed = true;
      store.changed();
      return { SubscriptionArn: subscription.arn };
    },

    Unsubscribe(params: QueryParams): XmlNode {
      const arn = requireParam(params, 'SubscriptionArn');
      store.subscription(arn);
      store.unsubscribe(arn);
      return undefined;
    },

    ListSubscriptions(params: QueryParams): XmlNode {
      const { items, next } = page(store.subscriptions(), params.NextToken);
      return {
        Subscriptions: { member: items.map((s) => subscriptionXml(s, store.accountId)) },
        NextToken: next,
      };
    },

    ListSubscriptionsByTopic(params: QueryParams): XmlNode {
      const topic = store.topic(requireParam(params, 'TopicArn'));
      const { items, next } = page([...topic.subscriptions.values()], params.NextToken);
      return {
        Subscriptions: { member: items.map((s) => subscriptionXml(s, store.accountId)) },
        NextToken: next,
      };
    },

    GetSubscriptionAttributes(params: QueryParams): XmlNode {
      const s = store.subscription(requireParam(params, 'SubscriptionArn'));
      return {
        Attributes: entries({
          SubscriptionArn: s.arn,
          TopicArn: s.topicArn,
          Owner: store.accountId,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          PendingConfirmation: String(!s.confirmed),
          ConfirmationWasAuthenticated: String(s.confirmed),
          RawMessageDelivery: 'false',
          ...s.attributes,
        }),
      };
    },

    SetSubscriptionAttributes(params: QueryParams): XmlNode {
      const s = store.subscription(requireParam(params, 'SubscriptionArn'));
      const change = { [requireParam(params, 'AttributeName')]: params.AttributeValue ?? '' };
      checkSubscriptionAttributes(change, s.attributes);
      s.attributes = { ...s.attributes, ...change };
      store.changed();
      return undefined;
    },
  } as const;
}
