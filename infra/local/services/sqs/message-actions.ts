/**
 * The message actions of SQS: send (single and batch), receive with long polling, delete and
 * change visibility (single and batch), on JSON-protocol-shaped inputs and outputs.
 */

import { SQS } from '../../../limits.ts';
import { COMMON_ERRORS } from '../http/errors.ts';
import { optionalInt, optionalObject, optionalStringList, requireString } from '../http/input.ts';
import type { JsonInput } from '../http/json-protocol.ts';
import { intAttribute } from './attributes.ts';
import { batchEntries, runBatch } from './batch.ts';
import { SQS_ERRORS } from './errors.ts';
import { type MessageAttributeValue, md5OfMessageAttributes } from './md5.ts';
import { messageSizeBytes, validateBody, validateMessageAttributes } from './message-validation.ts';
import type { Queue, StoredMessage } from './queue.ts';
import type { SqsStore } from './store.ts';

/** What message actions need from the request beyond its input. */
export interface SqsRequestContext {
  /** Aborts when the server closes; long polls end at once. */
  readonly signal: AbortSignal;
  /** The request path; query-protocol clients may name the queue by posting to its URL. */
  readonly path?: string;
}

interface PreparedMessage {
  readonly body: string;
  readonly messageAttributes: Record<string, MessageAttributeValue>;
  readonly systemAttributes: Record<string, string>;
  readonly delaySeconds: number | undefined;
  readonly sizeBytes: number;
}

function prepare(queue: Queue, input: JsonInput): PreparedMessage {
  const body = validateBody(input.MessageBody);
  const messageAttributes = validateMessageAttributes(input.MessageAttributes);
  if (input.MessageDeduplicationId !== undefined) {
    throw SQS_ERRORS.invalidParameterValue(
      `Value ${String(input.MessageDeduplicationId)} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.`,
    );
  }
  const system = optionalObject(input, 'MessageSystemAttributes') ?? {};
  const systemAttributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(system)) {
    if (name !== 'AWSTraceHeader')
      throw SQS_ERRORS.invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    systemAttributes[name] = String((value as MessageAttributeValue).StringValue ?? '');
  }
  const delaySeconds = optionalInt(input, 'DelaySeconds', { min: 0, max: SQS.maxDelaySeconds });
  const sizeBytes = messageSizeBytes(body, messageAttributes);
  const max = intAttribute(queue.attributes, 'MaximumMessageSize');
  if (sizeBytes > max) throw SQS_ERRORS.messageTooLong(max);
  return { body, messageAttributes, systemAttributes, delaySeconds, sizeBytes };
}

function store1(store: SqsStore, queue: Queue, message: PreparedMessage): StoredMessage {
  return queue.send(
    {
      body: message.body,
      messageAttributes: message.messageAttributes,
      systemAttributes: message.systemAttributes,
      senderId: store.accountId,
      ...(message.delaySeconds !== undefined ? { delaySeconds: message.delaySeconds } : {}),
    },
    store.now(),
  );
}

function sendResult(message: StoredMessage) {
  return {
    MessageId: message.messageId,
    MD5OfMessageBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes
      ? { MD5OfMessageAttributes: message.md5OfMessageAttributes }
      : {}),
  };
}

/** Whether a requested name list (`All`, `.*`, `prefix.*` or exact) selects `name`. */
function selects(requested: readonly string[], name: string): boolean {
  return requested.some(
    (r) =>
      r === 'All' ||
      r === '.*' ||
      r === name ||
      (r.endsWith('.*') && name.startsWith(r.slice(0, -1))),
  );
}

function receivedMessage(
  message: StoredMessage,
  systemNames: readonly string[],
  attributeNames: readonly string[],
) {
  const system: Record<string, string> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(
      message.firstReceiveTimestamp ?? message.sentTimestamp,
    ),
    ...message.systemAttributes,
  };
  const attributes = Object.fromEntries(
    Object.entries(system).filter(([k]) => selects(systemNames, k)),
  );
  const messageAttributes = Object.fromEntries(
    Object.entries(message.messageAttributes).filter(([k]) => selects(attributeNames, k)),
  );
  const md5 = md5OfMessageAttributes(messageAttributes);
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(md5 !== undefined
      ? { MD5OfMessageAttributes: md5, MessageAttributes: messageAttributes }
      : {}),
  };
}

/** Message actions by name. */
export function messageActions(store: SqsStore) {
  const visibility = (input: JsonInput): number => {
    const value = optionalInt(input, 'VisibilityTimeout', {
      min: 0,
      max: SQS.maxVisibilityTimeoutSeconds,
    });
    if (value === undefined) throw COMMON_ERRORS.missingParameter('VisibilityTimeout');
    return value;
  };
  return {
    SendMessage(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      const message = store1(store, queue, prepare(queue, input));
      store.changed();
      return sendResult(message);
    },

    SendMessageBatch(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      const entries = batchEntries(input, 'SendMessageBatchRequestEntry');
      // Validate every entry first: the batch size limit applies to the whole request.
      const prepared = new Map<JsonInput, PreparedMessage>();
      const checked = runBatch(entries, (entry) => {
        prepared.set(entry, prepare(queue, entry));
        return entry.Id;
      });
      const total = [...prepared.values()].reduce((sum, m) => sum + m.sizeBytes, 0);
      if (total > SQS.maxBatchBytes) throw SQS_ERRORS.batchRequestTooLong(total);
      const sent = runBatch(
        entries.filter((e) => prepared.has(e)),
        (entry) => ({
          Id: String(entry.Id),
          ...sendResult(store1(store, queue, prepared.get(entry)!)),
        }),
      );
      store.changed();
      return { Successful: sent.Successful, Failed: [...checked.Failed, ...sent.Failed] };
    },

    async ReceiveMessage(input: JsonInput, context: SqsRequestContext) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      const maxMessages =
        optionalInt(input, 'MaxNumberOfMessages', { min: 1, max: SQS.maxReceiveMessages }) ?? 1;
      const visibilitySeconds =
        optionalInt(input, 'VisibilityTimeout', { min: 0, max: SQS.maxVisibilityTimeoutSeconds }) ??
        intAttribute(queue.attributes, 'VisibilityTimeout');
      const waitSeconds =
        optionalInt(input, 'WaitTimeSeconds', { min: 0, max: SQS.maxWaitTimeSeconds }) ??
        intAttribute(queue.attributes, 'ReceiveMessageWaitTimeSeconds');
      const systemNames = [
        ...optionalStringList(input, 'AttributeNames'),
        ...optionalStringList(input, 'MessageSystemAttributeNames'),
      ];
      const attributeNames = optionalStringList(input, 'MessageAttributeNames');
      const messages = await store.receive(
        queue,
        { maxMessages, visibilitySeconds, waitSeconds },
        context.signal,
      );
      return messages.length > 0
        ? { Messages: messages.map((m) => receivedMessage(m, systemNames, attributeNames)) }
        : {};
    },

    DeleteMessage(input: JsonInput) {
      store.byUrl(requireString(input, 'QueueUrl')).delete(requireString(input, 'ReceiptHandle'));
      store.changed();
      return {};
    },

    DeleteMessageBatch(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      const result = runBatch(batchEntries(input, 'DeleteMessageBatchRequestEntry'), (entry) => {
        queue.delete(requireString(entry, 'ReceiptHandle'));
        return { Id: String(entry.Id) };
      });
      store.changed();
      return result;
    },

    ChangeMessageVisibility(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      queue.changeVisibility(requireString(input, 'ReceiptHandle'), visibility(input), store.now());
      store.changed();
      return {};
    },

    ChangeMessageVisibilityBatch(input: JsonInput) {
      const queue = store.byUrl(requireString(input, 'QueueUrl'));
      const entries = batchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry');
      const result = runBatch(entries, (entry) => {
        queue.changeVisibility(
          requireString(entry, 'ReceiptHandle'),
          visibility(entry),
          store.now(),
        );
        return { Id: String(entry.Id) };
      });
      store.changed();
      return result;
    },
  } as const;
}
