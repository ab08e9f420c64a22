/** Errors of the processor's pure core. Each carries what was received and what was expected. */

/** A Kinesis sequence number that does not fit the fixed-width position. */
export class SequenceNumberError extends Error {
  override readonly name = 'SequenceNumberError';
  readonly received: string;
  constructor(received: string) {
    super(
      `Kinesis sequence number must be 1 to 56 decimal digits, got ${JSON.stringify(received.slice(0, 80))}`,
    );
    this.received = received;
  }
}

/** A stored part's state blob that this version cannot read. */
export class PartStateError extends Error {
  override readonly name = 'PartStateError';
  readonly pk: string;
  readonly sk: string;
  constructor(message: string, context: { readonly pk: string; readonly sk: string }) {
    super(`${message} (item pk=${context.pk} sk=${context.sk})`);
    this.pk = context.pk;
    this.sk = context.sk;
  }
}

/**
 * A stored part passed to `absorbPlan` a second time. `absorbPlan` takes over the sketch and the
 * horizon of the part it is given (they become the next part's), so a retry must absorb into a
 * part read again, never into the one it already gave.
 */
export class PartConsumedError extends Error {
  override readonly name = 'PartConsumedError';
  readonly partKey: string;
  constructor(partKey: string) {
    super(
      `stored part ${partKey} was already absorbed into; read it again (readPart) before absorbing`,
    );
    this.partKey = partKey;
  }
}
