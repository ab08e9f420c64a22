/**
 * Errors of the ingest side. Most per-record problems are outcomes (a rejected or failed record
 * with a reason), not exceptions; these classes carry the context for the few that are thrown or
 * attached to an outcome.
 */

/** Why an aggregated record could not be read. */
export const KPL_CORRUPT_REASONS = {
  /** Shorter than magic plus MD5 trailer. */
  truncated: 'kpl-truncated',
  /** The MD5 trailer does not match the protobuf message. */
  badChecksum: 'kpl-bad-checksum',
  /** The protobuf message is malformed, or an index points outside its table. */
  badProtobuf: 'kpl-bad-protobuf',
} as const;

export type KplCorruptReason = (typeof KPL_CORRUPT_REASONS)[keyof typeof KPL_CORRUPT_REASONS];

/** A Kinesis record that starts with the KPL magic but is not a valid aggregated record. */
export class CorruptAggregatedRecordError extends Error {
  override readonly name = 'CorruptAggregatedRecordError';
  /** Machine-readable reason, one of `KPL_CORRUPT_REASONS`. */
  readonly reason: KplCorruptReason;
  /** Length of the Kinesis record's data. */
  readonly length: number;
  /** Byte offset (in the record) where reading failed, when known. */
  readonly offset: number | undefined;

  constructor(reason: KplCorruptReason, message: string, length: number, offset?: number) {
    super(message);
    this.reason = reason;
    this.length = length;
    this.offset = offset;
  }
}

/** Writing to Kinesis failed as a whole call; the caller maps it to per-record failures. */
export class KinesisWriteError extends Error {
  override readonly name = 'KinesisWriteError';
  /** AWS error name (`ResourceNotFoundException`), or the Node error code for transport errors. */
  readonly code: string;
  /** Whether retrying the same entries may succeed. */
  readonly retryable: boolean;

  constructor(code: string, retryable: boolean, options?: ErrorOptions) {
    super(`Kinesis PutRecords failed: ${code}`, options);
    this.code = code;
    this.retryable = retryable;
  }
}

/** The producer client was used after `close()`, or given a record it cannot send. */
export class ProducerError extends Error {
  override readonly name = 'ProducerError';
}
