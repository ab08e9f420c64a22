/**
 * The queue-management actions of SQS, on inputs and outputs shaped as the JSON protocol carries
 * them (the query protocol adapter reshapes its parameters into the same form).
 */

import { SQS_QUEUES } from '../../../limits.ts';
import {
  optionalInt,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requireString,
} from '../http/input.ts';
import type { JsonInput } from '../http/json-protocol.ts';
import { READ_ONLY_ATTRIBUTES, validateQueueAttributes } from './attributes.ts';
import { SQS_ERRORS } from './errors.ts';
import type { Queue } from './queue.ts';
import type { SqsStore } from './store.ts';

const KNOWN_ATTRIBUTES = new Set<string>([
  'All',
  ...READ_ONLY_ATTRIBUTES,
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
]);

function validated(store: SqsStore, raw: Record<string, string>): Record<string, string> {
  return validateQueueAttributes(raw, (arn) => store.byArn(arn) !== undefined);
}

/** All attributes of a queue, computed ones included. */
export function allAttributes(store: SqsStore, queue: Queue): Record<string, string> {
  const counts = queue.counts(store.now());
  const attributes: Record<string, string> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
  };
  for (const [k, v] of Object.entries(queue.attributes)) if (v !== '') attributes[k] = v;
  return attributes;
}

/** Queue actions by name. */
export function queueActions(store: SqsStore) {
  return {
    CreateQueue(input: JsonInput) {
      const name = requireString(input, 'QueueName');
      const attributes = validated(store, optionalStringMap(input, 'Attributes'));
      const tags = optionalStringMap(input, 'tags');
      return { QueueUrl: store.urlOf(store.createQueue(name, attributes, tags)) };
    },

    GetQueueUrl(input: JsonInput) {
      const owner = optionalString(input, 'QueueOwnerAWSAccountId');
      if (owner !== undefined && owner !== store.accountId) throw SQS_ERRORS.queueDoesNotExist();
      return { QueueUrl: store.urlOf(store.byName(requireString(input, 'QueueName'))) };
    },

    ListQueues(input: JsonInput) {
      const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
      const max = optionalInt(input, 'MaxResults', {
        min: 1,
        max: SQS_QUEUES.maxListQueuesResults,
      });
      const token = optionalString(input, 'NextToken');
      const after = token === undefined ? '' : Buffer.from(token, 'base64url').toString('utf8');
      const names = store.list(prefix).filter((q) => q.name > after);
      const page = names.slice(0, max ?? SQS_QUEUES.maxListQueuesResults);
      const more = max !== undefined && names.length > page.length;
      const last = page.at(-1);
      return {
        ...(page.length > 0 ? { QueueUrls: page.map((q) => store.urlOf(q)) } : {}),
        ...(more && last ? { NextToken: Buffer.from(last.name).toString('base64url') } : {}),
      };
    },

    GetQueueAttributes(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      const names = optionalStringList(input, 'AttributeNames');
      for (const name of names) {
        if (!KNOWN_ATTRIBUTES.has(name)) throw SQS_ERRORS.invalidAttributeName(name);
      }
      const all = allAttributes(store, queue);
      const wanted = names.includes('All') ? Object.keys(all) : names;
      const attributes: Record<string, string> = {};
      for (const name of wanted) {
        const value = all[name];
        if (value !== undefined) attributes[name] = value;
      }
      return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
    },

    SetQueueAttributes(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      const attributes = validated(store, optionalStringMap(input, 'Attributes'));
      queue.attributes = { ...queue.attributes, ...attributes };
      queue.lastModifiedAt = store.now();
      // A shorter wait time or a removed redrive policy can change what waiting polls see.
      queue.notify();
      store.changed();
      return {};
    },

    DeleteQueue(input: JsonInput) {
      store.deleteQueue(store.byUrl(requireString(input, 'QueueUrl')));
      return {};
    },

    PurgeQueue(input: JsonInput) {
      store.byUrl(requireString(input, 'QueueUrl')).purge(store.now());
      store.changed();
      return {};
    },

    ListDeadLetterSourceQueues(input: JsonInput) {
      const target = store.byUrl(requireString(input, 'QueueUrl'));
      const sources = store
        .list('')
        .filter((q) => (q.attributes.RedrivePolicy ?? '').includes(`"${target.arn}"`));
      return { queueUrls: sources.map((q) => store.urlOf(q)) };
    },

    TagQueue(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      queue.tags = { ...queue.tags, ...optionalStringMap(input, 'Tags') };
      store.changed();
      return {};
    },

    UntagQueue(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      for (const key of optionalStringList(input, 'TagKeys')) delete queue.tags[key];
      store.changed();
      return {};
    },

    ListQueueTags(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      return Object.keys(queue.tags).length > 0 ? { Tags: { ...queue.tags } } : {};
    },
  } as const;
}
