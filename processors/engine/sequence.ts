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
 * The padded sequence number and the dot: what every position of one Kinesis record starts with.
 *
 * @throws {SequenceNumberError} as {@link recordPosition}.
 */
export function positionPrefix(sequenceNumber: string): string {
  return `${recordPosition(sequenceNumber, 0).slice(0, SEQUENCE_NUMBER_DIGITS)}.`;
}

/** The position of user record `subSequence` after its record's {@link positionPrefix}. */
export function positionAt(prefix: string, subSequence: number): string {
  const digits = String(subSequence);
  return prefix + SUB_PAD.slice(digits.length) + digits;
}

/**
 * A position split into its record's prefix and its sub-sequence number, the form the hot path
 * compares without building a string per user record: `(prefix, sub)` pairs order as the
 * position strings do, since every prefix has the same width.
 */
export interface SplitPosition {
  readonly prefix: string;
  readonly sub: number;
}

/** Splits a stored mark; {@link NO_MARK} gives a prefix below every record's. */
export function splitPosition(position: string): SplitPosition {
  if (position === NO_MARK) return { prefix: NO_MARK, sub: -1 };
  const cut = SEQUENCE_NUMBER_DIGITS + 1;
  return { prefix: position.slice(0, cut), sub: Number(position.slice(cut)) };
}

/** True when `(prefix, sub)` comes after `mark` in the shard. */
export function isAfter(prefix: string, sub: number, mark: SplitPosition): boolean {
  return prefix > mark.prefix || (prefix === mark.prefix && sub > mark.sub);
}

/**
 * The positions of one Kinesis record's user records, the sequence number checked and padded
 * once per record rather than once per user record.
 *
 * @throws {SequenceNumberError} as {@link recordPosition}.
 */
export function positionsOf(sequenceNumber: string): (subSequence: number) => string {
  const prefix = positionPrefix(sequenceNumber);
  return (sub) => positionAt(prefix, sub);
}
