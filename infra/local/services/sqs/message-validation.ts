/**
 * Validation of what a sender puts in a message, with SQS's rules and error codes: the body's
 * characters, message attributes (at most 10, names, data types, values), and the size that
 * counts against `MaximumMessageSize`: body plus every attribute's name, data type and value.
 * Reference: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */

import { SQS, SQS_QUEUES } from '../../../limits.ts';
import { COMMON_ERRORS } from '../http/errors.ts';
import { SQS_ERRORS } from './errors.ts';
import type { MessageAttributeValue } from './md5.ts';

/** Characters outside the XML character range SQS accepts. */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;

/** A message body: present, non-empty, of valid characters. */
export function validateBody(body: unknown): string {
  if (typeof body !== 'string' || body.length === 0) {
    throw COMMON_ERRORS.missingParameter('MessageBody');
  }
  if (INVALID_CHARACTER.test(body)) throw SQS_ERRORS.invalidMessageContents();
  return body;
}

function validateName(name: string): void {
  const bad =
    name.length > SQS_QUEUES.maxAttributeNameLength ||
    !ATTRIBUTE_NAME.test(name) ||
    RESERVED_PREFIX.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..');
  if (bad) {
    throw SQS_ERRORS.invalidParameterValue(
      `Message (user) attribute name '${name}' is invalid: use up to ${SQS_QUEUES.maxAttributeNameLength} of A-Z a-z 0-9 _ - . without a leading, trailing or doubled period, and not starting with AWS. or Amazon.`,
    );
  }
}

function validateValue(name: string, raw: unknown): MessageAttributeValue {
  const value = (raw ?? {}) as Record<string, unknown>;
  const dataType = value.DataType;
  if (typeof dataType !== 'string' || dataType.length === 0) {
    throw SQS_ERRORS.invalidParameterValue(
      `The message attribute '${name}' must contain non-empty message attribute type.`,
    );
  }
  const kind = DATA_TYPE.exec(dataType)?.[1];
  if (kind === undefined || dataType.length > SQS_QUEUES.maxAttributeNameLength) {
    throw SQS_ERRORS.invalidParameterValue(
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  if (kind === 'Binary') {
    const binary = value.BinaryValue;
    if (typeof binary !== 'string' || binary.length === 0) {
      throw SQS_ERRORS.invalidParameterValue(
        `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
      );
    }
    return { DataType: dataType, BinaryValue: binary };
  }
  const text = value.StringValue;
  if (typeof text !== 'string' || text.length === 0) {
    throw SQS_ERRORS.invalidParameterValue(
      `The message attribute '${name}' with type '${kind}' must use field 'String'.`,
    );
  }
  if (kind === 'Number' && !Number.isFinite(Number(text))) {
    throw SQS_ERRORS.invalidParameterValue(
      `Can't cast the value of message (user) attribute '${name}' to a number.`,
    );
  }
  if (INVALID_CHARACTER.test(text)) throw SQS_ERRORS.invalidMessageContents();
  return { DataType: dataType, StringValue: text };
}

/** Validated message attributes: at most 10, each name and value well formed. */
export function validateMessageAttributes(raw: unknown): Record<string, MessageAttributeValue> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw SQS_ERRORS.invalidParameterValue('MessageAttributes must be a map of name to value.');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > SQS.maxMessageAttributes) {
    throw SQS_ERRORS.invalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${SQS.maxMessageAttributes}].`,
    );
  }
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) {
    validateName(name);
    attributes[name] = validateValue(name, value);
  }
  return attributes;
}

/** Bytes that count against the size limits: body, and each attribute's name, type and value. */
export function messageSizeBytes(
  body: string,
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8');
    size +=
      value.BinaryValue !== undefined
        ? Buffer.from(value.BinaryValue, 'base64').length
        : Buffer.byteLength(value.StringValue ?? '', 'utf8');
  }
  return size;
}
