/** Errors of the processor's outputs. */

/** Firehose kept rejecting archive records. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  readonly deliveryStreamName: string;
  readonly failedRecords: number;
  constructor(
    deliveryStreamName: string,
    failedRecords: number,
    attempts: number,
    lastError: string,
  ) {
    super(
      `Firehose delivery stream ${deliveryStreamName}: ${failedRecords} record(s) still failing after ${attempts} attempts (last: ${lastError})`,
    );
    this.deliveryStreamName = deliveryStreamName;
    this.failedRecords = failedRecords;
  }
}
