/**
 * The digests SQS returns with every message, which SDKs check against what they sent:
 * `MD5OfMessageBody` is the MD5 of the body's UTF-8 bytes; `MD5OfMessageAttributes` is the MD5 of
 * a binary encoding of the attributes, sorted by name, each as length-prefixed name, length-
 * prefixed data type, a transport byte (1 string, 2 binary) and the length-prefixed value
 * (lengths 4-byte big-endian). Reference:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */

import { createHash } from 'node:crypto';

/** A message attribute as the SQS API carries it; binary values are base64 text. */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** Hex MD5 of a string's UTF-8 bytes. */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** Hex MD5 of the attributes, or undefined when there are none (SQS then omits the field). */
export function md5OfMessageAttributes(
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name]!;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')));
    if (attribute.DataType.startsWith('Binary')) {
      hash.update(Buffer.from([BINARY_TRANSPORT]));
      hash.update(lengthPrefixed(Buffer.from(attribute.BinaryValue ?? '', 'base64')));
    } else {
      hash.update(Buffer.from([STRING_TRANSPORT]));
      hash.update(lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}
