/**
 * Publish and PublishBatch: validation with SNS's limits and codes (message size including
 * attributes, at most 10 attributes, batches of 1 to 10 entries within 256 KiB), then fan-out.
 */

import { randomUUID } from 'node:crypto';
import { SNS, SQS_QUEUES } from '../../../limits.ts';
import { AwsServiceError } from '../http/errors.ts';
import { listMembers, mapEntries, type QueryParams, requireParam } from '../http/query-protocol.ts';
import type { XmlNode } from '../http/xml.ts';
import type { Deliveries } from './delivery.ts';
import type { Notification } from './envelope.ts';
import { SNS_ERRORS } from './errors.ts';
import type { SnsMessageAttribute } from './filter-policy.ts';
import type { SnsStore, Topic } from './store.ts';

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const DATA_TYPE = /^(String\.Array|String|Number|Binary)(\..+)?$/;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

function messageAttributes(params: QueryParams): Record<string, SnsMessageAttribute> {
  const found = mapEntries(params, 'MessageAttributes', { key: 'Name', value: 'Value' });
  if (found.length > SNS.maxMessageAttributes) {
    throw SNS_ERRORS.invalidParameter(
      `MessageAttributes: Number of message attributes [${found.length}] exceeds the allowed maximum [${SNS.maxMessageAttributes}].`,
    );
  }
  const out: Record<string, SnsMessageAttribute> = {};
  for (const { key, fields } of found) {
    if (
      key.length > SQS_QUEUES.maxAttributeNameLength ||
      !ATTRIBUTE_NAME.test(key) ||
      /^(aws\.|amazon\.)/i.test(key)
    ) {
      throw SNS_ERRORS.invalidParameter(`MessageAttributes: invalid name ${JSON.stringify(key)}`);
    }
    const dataType = fields.DataType ?? '';
    const kind = DATA_TYPE.exec(dataType)?.[1];
    if (kind === undefined) {
      throw SNS_ERRORS.invalidParameter(
        `The message attribute '${key}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (kind === 'Binary') {
      if (!fields.BinaryValue)
        throw SNS_ERRORS.invalidParameter(
          `The message attribute '${key}' must contain non-empty message attribute value for message attribute type 'Binary'.`,
        );
      out[key] = { DataType: dataType, BinaryValue: fields.BinaryValue };
      continue;
    }
    const text = fields.StringValue;
    if (text === undefined || text === '') {
      throw SNS_ERRORS.invalidParameter(
        `The message attribute '${key}' must contain non-empty message attribute value for message attribute type '${kind}'.`,
      );
    }
    if (kind === 'Number' && !Number.isFinite(Number(text))) {
      throw SNS_ERRORS.invalidParameter(
        `Could not cast message attribute '${key}' value to number.`,
      );
    }
    if (kind === 'String.Array') {
      let array: unknown;
      try {
        array = JSON.parse(text);
      } catch {
        array = undefined;
      }
      if (!Array.isArray(array))
        throw SNS_ERRORS.invalidParameter(
          `The message attribute '${key}' with type 'String.Array' must be a JSON array.`,
        );
    }
    out[key] = { DataType: dataType, StringValue: text };
  }
  return out;
}

/** Bytes counted against the message size limit: the message plus every attribute. */
function sizeBytes(
  message: string,
  attributes: Readonly<Record<string, SnsMessageAttribute>>,
): number {
  let size = Buffer.byteLength(message);
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size +=
      a.BinaryValue !== undefined
        ? Buffer.from(a.BinaryValue, 'base64').length
        : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

/** A validated publication and its size. */
function prepare(topic: Topic, params: QueryParams): { notification: Notification; size: number } {
  const message = params.Message;
  if (message === undefined || message === '') throw SNS_ERRORS.invalidParameter('Empty message');
  const subject = params.Subject;
  if (
    subject !== undefined &&
    (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7E]+$/.test(subject))
  ) {
    throw SNS_ERRORS.invalidParameter('Subject');
  }
  let structured: Record<string, string> | undefined;
  if (params.MessageStructure !== undefined) {
    if (params.MessageStructure !== 'json') throw SNS_ERRORS.invalidParameter('MessageStructure');
    try {
      structured = JSON.parse(message) as Record<string, string>;
    } catch {
      structured = undefined;
    }
    if (typeof structured?.default !== 'string') {
      throw SNS_ERRORS.invalidParameter(
        'Message Structure - No default entry in JSON message body',
      );
    }
  }
  const attributes = messageAttributes(params);
  const size = sizeBytes(message, attributes);
  if (size > SNS.maxMessageBytes) throw SNS_ERRORS.messageTooLong();
  return {
    size,
    notification: {
      messageId: randomUUID(),
      topicArn: topic.arn,
      subject,
      message,
      structured,
      timestamp: new Date().toISOString(),
      messageAttributes: attributes,
    },
  };
}

/** Publish actions by name. */
export function publishActions(store: SnsStore, deliveries: Deliveries) {
  return {
    Publish(params: QueryParams): XmlNode {
      const arn = params.TopicArn ?? params.TargetArn;
      if (arn === undefined) {
        if (params.PhoneNumber !== undefined)
          throw SNS_ERRORS.invalidParameter(
            'PhoneNumber: SMS is not supported by the local SNS endpoint',
          );
        requireParam(params, 'TopicArn');
      }
      const topic = store.topic(arn!);
      const { notification } = prepare(topic, params);
      deliveries.publish(topic, [notification]);
      return { MessageId: notification.messageId };
    },

    PublishBatch(params: QueryParams): XmlNode {
      const topic = store.topic(requireParam(params, 'TopicArn'));
      const entries = listMembers(params, 'PublishBatchRequestEntries');
      if (entries.length === 0) throw SNS_ERRORS.emptyBatch();
      if (entries.length > SNS.maxPublishBatchEntries)
        throw SNS_ERRORS.tooManyEntriesInBatch(entries.length);
      const ids = new Set<string>();
      for (const entry of entries) {
        const id = entry.Id ?? '';
        if (!ENTRY_ID.test(id)) throw SNS_ERRORS.invalidBatchEntryId(id);
        if (ids.has(id)) throw SNS_ERRORS.batchEntryIdsNotDistinct(id);
        ids.add(id);
      }
      const successful: Array<{ Id: string; notification: Notification }> = [];
      const failed: XmlNode[] = [];
      let total = 0;
      for (const entry of entries) {
        try {
          const prepared = prepare(topic, entry);
          total += prepared.size;
          successful.push({ Id: entry.Id!, notification: prepared.notification });
        } catch (error) {
          if (!(error instanceof AwsServiceError)) throw error;
          failed.push({
            Id: entry.Id,
            Code: error.code,
            Message: error.message,
            SenderFault: error.fault === 'Sender',
          });
        }
      }
      if (total > SNS.maxMessageBytes) throw SNS_ERRORS.batchRequestTooLong(total);
      deliveries.publish(
        topic,
        successful.map((s) => s.notification),
      );
      return {
        Successful: {
          member: successful.map((s) => ({ Id: s.Id, MessageId: s.notification.messageId })),
        },
        Failed: { member: failed },
      };
    },
  } as const;
}
