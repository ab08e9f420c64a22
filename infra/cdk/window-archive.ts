/**
 * The archive of closed windows: a Firehose delivery stream (direct put) that batches the
 * processor's JSON lines into gzip objects in S3, under `windows/YYYY/MM/DD/HH/` (Firehose's own
 * UTC time prefix, the layout the local Firehose endpoint writes too).
 */

import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import {
  Compression,
  DeliveryStream,
  EnableLogging,
  S3Bucket,
  StreamEncryption,
} from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FIREHOSE_S3_BUFFERING } from '../limits.ts';
import { checkIntInRange } from './validate.ts';

/** The literal prefix of archived windows; Firehose appends `YYYY/MM/DD/HH/` (UTC arrival time). */
export const ARCHIVE_DATA_PREFIX = 'windows/';
/** Where Firehose writes what it could not deliver. */
export const ARCHIVE_ERROR_PREFIX = 'errors/';

/** Props of {@link WindowArchive}. */
export interface WindowArchiveProps {
  readonly deliveryStreamName: string;
  /**
   * How long Firehose buffers before writing an object (0 to 900 s): shorter means fresher
   * archives and more, smaller objects.
   * @default 60
   */
  readonly bufferingIntervalSeconds?: number;
  /** The bucket holds the archive: kept when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Of Firehose's delivery-error log. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** Delivery stream and bucket of the window archive. */
export class WindowArchive extends Construct {
  readonly bucket: Bucket;
  readonly deliveryStream: DeliveryStream;

  constructor(scope: Construct, id: string, props: WindowArchiveProps) {
    super(scope, id);
    const interval = checkIntInRange(
      'WindowArchive',
      'bufferingIntervalSeconds',
      props.bufferingIntervalSeconds ?? 60,
      FIREHOSE_S3_BUFFERING.minIntervalSeconds,
      FIREHOSE_S3_BUFFERING.maxIntervalSeconds,
    );
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Firehose's own default log group keeps errors for two years and outlives the stack.
    const errorLog = new LogGroup(this, 'DeliveryErrors', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deliveryStream = new DeliveryStream(this, 'DeliveryStream', {
      deliveryStreamName: props.deliveryStreamName,
      encryption: StreamEncryption.awsOwnedKey(),
      // `Bucket` implements `IBucket`; only `exactOptionalPropertyTypes` disagrees, over CDK's
      // `isWebsite?: boolean` (a jsii declaration we cannot change).
      destination: new S3Bucket(this.bucket as unknown as IBucket, {
        dataOutputPrefix: ARCHIVE_DATA_PREFIX,
        errorOutputPrefix: ARCHIVE_ERROR_PREFIX,
        // JSON lines of windows compress several-fold; Athena reads gzip as is.
        compression: Compression.GZIP,
        loggingConfig: new EnableLogging(errorLog),
        bufferingInterval: Duration.seconds(interval),
        // Whichever of size and interval is reached first delivers an object.
        bufferingSize: Size.mebibytes(FIREHOSE_S3_BUFFERING.defaultSizeMiB),
      }),
    });
  }
}
