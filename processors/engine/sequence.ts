/**
 * Positions of user records in a shard, as fixed-width strings that compare like the numbers.
 *
 * A Kinesis sequence number is a decimal string of up to 56 digits today (above 2^53, and above
 * the 38 digits a DynamoDB number holds), so it is zero-padded to 56 characters; a KPL user
 * record adds its sub-sequence number, padded to 10. String order is then position order, which
 * is what a DynamoDB condition on the stored mark and a JavaScript `<` both need.
 */

import { SequenceNumberError } from './errors.ts';

/** Width of a padded Kinesis sequence number. */
export const SEQUENCE_NUMBER_DIGITS = 56;
/** Width of a padded KPL sub-sequence number (a 1 MiB record cannot hold 10^10 user records). */
export const SUB_SEQUENCE_DIGITS = 10;

/** The mark below every record: what an item that absorbed nothing holds. */
export const NO_MARK = '';

/**
 * The position of user record `subSequence` of Kinesis record `sequenceNumber`.
 *
 * @throws {SequenceNumberError} when the sequence number is not 1 to 56 decimal digits.
 */
export function recordPosition(sequenceNumber: string, subSequence: number): string {
  if (!/^[0-9]{1,56}$/.test(sequenceNumber)) {
    throw new SequenceNumberError(sequenceNumber);
  }
  return `${sequenceNumber.padStart(SEQUENCE_NUMBER_DIGITS, '0')}.${String(subSequence).padStart(SUB_SEQUENCE_DIGITS, '0')}`;
}

const SUB_PAD = '0'.repeat(SUB_SEQUENCE_DIGITS);

/**
 * The positions of one Kinesis record's user records, the sequence number checked and padded
 * once per record rather than once per user record (the hot path).
 *
 * @throws {SequenceNumberError} as {@link recordPosition}.
 */
export function positionsOf(sequenceNumber: string): (subSequence: number) => string {
  const prefix = `${recordPosition(sequenceNumber, 0).slice(0, SEQUENCE_NUMBER_DIGITS)}.`;
  return (sub) => {
    const digits = String(sub);
    return prefix + SUB_PAD.slice(digits.length) + digits;
  };
}
