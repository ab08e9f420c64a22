/**
 * Delivery stream definitions: validation of CreateDeliveryStream's input, the description
 * DescribeDeliveryStream answers, and the plain-JSON form persisted under `--data-dir`.
 * The local stack delivers to files, so the S3 destination's bucket is the data directory.
 */

import { FIREHOSE_S3_BUFFERING as S3_BUFFERING } from '../../../limits.ts';
import type { JsonInput } from '../http/json-protocol.ts';
import { FIREHOSE_ERRORS as E } from './errors.ts';

const MiB = 1024 * 1024;
const NAME = /^[a-zA-Z0-9._-]{1,64}$/;
/** Not a stream name: the state file's name inside `<dataDir>/firehose/`. */
export const STATE_FILE_NAME = 'state.json';

/** One delivery stream as stored. */
export interface StreamDefinition {
  readonly name: string;
  readonly arn: string;
  readonly version: number;
  readonly createdEpochSeconds: number;
  /** The destination as given (S3 or Extended S3), returned by DescribeDeliveryStream. */
  readonly destination: Readonly<Record<string, unknown>>;
  /** `ExtendedS3DestinationConfiguration` or `S3DestinationConfiguration`. */
  readonly destinationKind: 'ExtendedS3' | 'S3';
  readonly prefix: string;
  readonly sizeBytes: number;
  readonly intervalMillis: number;
}

/** Validates CreateDeliveryStream's input and builds the stream's definition. */
export function defineStream(
  input: JsonInput,
  location: { readonly region: string; readonly accountId: string },
  now: Date,
): StreamDefinition {
  const name = input.DeliveryStreamName;
  if (typeof name !== 'string' || !NAME.test(name) || name === STATE_FILE_NAME) {
    throw E.validation(
      'deliveryStreamName',
      'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ (1 to 64 characters)',
      `Value '${String(name)}'`,
    );
  }
  const type = input.DeliveryStreamType ?? 'DirectPut';
  if (type !== 'DirectPut') {
    throw E.invalidArgument(
      `DeliveryStreamType ${String(type)} is not supported by the local stack: only DirectPut streams are.`,
    );
  }
  const extended = input.ExtendedS3DestinationConfiguration;
  const plain = input.S3DestinationConfiguration;
  const destination = (extended ?? plain ?? {}) as Record<string, unknown>;
  const compression = destination.CompressionFormat ?? 'UNCOMPRESSED';
  if (compression !== 'UNCOMPRESSED') {
    throw E.invalidArgument(
      `CompressionFormat ${String(compression)} is not supported by the local stack.`,
    );
  }
  const prefix = typeof destination.Prefix === 'string' ? destination.Prefix : '';
  if (prefix.includes('!{')) {
    throw E.invalidArgument(
      `Prefix expressions (${prefix}) are not supported by the local stack; use a literal prefix.`,
    );
  }
  const hints = (destination.BufferingHints ?? {}) as Record<string, unknown>;
  const sizeMiB = hint(
    hints.SizeInMBs,
    S3_BUFFERING.defaultSizeMiB,
    S3_BUFFERING.minSizeMiB,
    S3_BUFFERING.maxSizeMiB,
    'sizeInMBs',
  );
  const intervalSeconds = hint(
    hints.IntervalInSeconds,
    S3_BUFFERING.defaultIntervalSeconds,
    S3_BUFFERING.minIntervalSeconds,
    S3_BUFFERING.maxIntervalSeconds,
    'intervalInSeconds',
  );
  return {
    name,
    arn: `arn:aws:firehose:${location.region}:${location.accountId}:deliverystream/${name}`,
    version: 1,
    createdEpochSeconds: Math.floor(now.getTime() / 1000),
    destination,
    destinationKind: extended === undefined && plain !== undefined ? 'S3' : 'ExtendedS3',
    prefix,
    sizeBytes: sizeMiB * MiB,
    intervalMillis: intervalSeconds * 1000,
  };
}

/** DescribeDeliveryStream's `DeliveryStreamDescription`. */
export function describeStream(stream: StreamDefinition): Record<string, unknown> {
  const description = {
    ...stream.destination,
    BufferingHints: {
      SizeInMBs: stream.sizeBytes / MiB,
      IntervalInSeconds: stream.intervalMillis / 1000,
    },
    CompressionFormat: 'UNCOMPRESSED',
    EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
    Prefix: stream.prefix,
  };
  return {
    DeliveryStreamName: stream.name,
    DeliveryStreamARN: stream.arn,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamType: 'DirectPut',
    VersionId: String(stream.version),
    CreateTimestamp: stream.createdEpochSeconds,
    Destinations: [
      {
        DestinationId: 'destinationId-000000000001',
        [stream.destinationKind === 'S3'
          ? 'S3DestinationDescription'
          : 'ExtendedS3DestinationDescription']: description,
      },
    ],
    HasMoreDestinations: false,
  };
}

function hint(value: unknown, fallback: number, min: number, max: number, member: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw E.validation(
      `extendedS3DestinationConfiguration.bufferingHints.${member}`,
      `Member must have value between ${min} and ${max} inclusive`,
      `Value '${String(value)}'`,
    );
  }
  return value;
}
