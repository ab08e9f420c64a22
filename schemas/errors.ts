/**
 * Errors of the schema layer. Decoding failures share one base class, `SchemaDecodeError`, whose
 * `reason` is machine-readable (a processor maps it to a DLQ reason without parsing messages);
 * each subclass carries the context a person needs to find the bad record.
 */

/** Why a single-object record could not be decoded. */
export const DECODE_REASONS = {
  badMarker: 'bad-marker',
  truncated: 'truncated',
  unknownFingerprint: 'unknown-fingerprint',
  trailingBytes: 'trailing-bytes',
  invalidBody: 'invalid-body',
  wrongSchema: 'wrong-schema',
} as const;

export type DecodeReason = (typeof DECODE_REASONS)[keyof typeof DECODE_REASONS];

/** Base class: a byte string that is not a record this reader can decode. */
export class SchemaDecodeError extends Error {
  override name = 'SchemaDecodeError';
  /** Machine-readable reason, one of `DECODE_REASONS`. */
  readonly reason: DecodeReason;
  /** Length of the byte string that was received. */
  readonly length: number;

  constructor(reason: DecodeReason, message: string, length: number, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.length = length;
  }
}

/** The first two bytes are not the single-object marker `C3 01`. */
export class BadMarkerError extends SchemaDecodeError {
  override name = 'BadMarkerError';
  /** The first bytes received, as hex (at most 2 bytes). */
  readonly receivedHex: string;

  constructor(receivedHex: string, length: number) {
    super(
      DECODE_REASONS.badMarker,
      `not an Avro single-object record: expected marker c301, got ${receivedHex || '(empty)'} (${length} bytes)`,
      length,
    );
    this.receivedHex = receivedHex;
  }
}

/** The bytes end before the header or the body does. */
export class TruncatedRecordError extends SchemaDecodeError {
  override name = 'TruncatedRecordError';
  /** Which part was cut off. */
  readonly part: 'header' | 'body';
  /** Hex fingerprint, when the header was complete. */
  readonly fingerprint: string | undefined;

  constructor(part: 'header' | 'body', length: number, fingerprint?: string, detail?: string) {
    super(
      DECODE_REASONS.truncated,
      part === 'header'
        ? `truncated single-object header: ${length} bytes, expected at least 10 (2 marker + 8 fingerprint)`
        : `truncated Avro body: ${length} bytes end inside the record of schema ${fingerprint}${detail ? ` (${detail})` : ''}`,
      length,
    );
    this.part = part;
    this.fingerprint = fingerprint;
  }
}

/** The header names a schema this reader does not know. */
export class UnknownFingerprintError extends SchemaDecodeError {
  override name = 'UnknownFingerprintError';
  /** The 16 hex digits of the header's fingerprint, in header byte order. */
  readonly fingerprint: string;

  constructor(fingerprint: string, length: number) {
    super(
      DECODE_REASONS.unknownFingerprint,
      `unknown writer schema fingerprint ${fingerprint}: no published schema has it (run \`npm run schemas -- fingerprint FILE\` on the writer's .avsc)`,
      length,
    );
    this.fingerprint = fingerprint;
  }
}

/** The body decoded, but bytes remain after it. */
export class TrailingBytesError extends SchemaDecodeError {
  override name = 'TrailingBytesError';
  readonly fingerprint: string;
  /** Offset at which the record ended. */
  readonly endOffset: number;

  constructor(fingerprint: string, endOffset: number, length: number) {
    super(
      DECODE_REASONS.trailingBytes,
      `${length - endOffset} trailing bytes after the record of schema ${fingerprint} (record ends at offset ${endOffset} of ${length})`,
      length,
    );
    this.fingerprint = fingerprint;
    this.endOffset = endOffset;
  }
}

/** The body is not a valid encoding of the writer schema (bad union index, negative length...). */
export class InvalidBodyError extends SchemaDecodeError {
  override name = 'InvalidBodyError';
  readonly fingerprint: string;

  constructor(fingerprint: string, length: number, cause: unknown) {
    super(
      DECODE_REASONS.invalidBody,
      `invalid Avro body for schema ${fingerprint}: ${cause instanceof Error ? cause.message : String(cause)}`,
      length,
      { cause },
    );
    this.fingerprint = fingerprint;
  }
}

/** A valid record, but of another schema than the one the caller asked for. */
export class WrongSchemaError extends SchemaDecodeError {
  override name = 'WrongSchemaError';
  readonly expected: string;
  readonly received: string;

  constructor(expected: string, received: string, length: number) {
    super(
      DECODE_REASONS.wrongSchema,
      `expected a ${expected} record, got a ${received} record`,
      length,
    );
    this.expected = expected;
    this.received = received;
  }
}

/** A value given to an encoder does not match its schema. */
export class SchemaEncodeError extends Error {
  override name = 'SchemaEncodeError';
  readonly schema: string;
  /** Paths of the offending fields, e.g. `['value', 'attributes']`. */
  readonly paths: readonly string[];

  constructor(schema: string, paths: readonly string[], why?: string) {
    super(
      `value is not a valid ${schema}: bad field(s) ${paths.join(', ') || '(root)'}${why ? ` (${why})` : ''}`,
    );
    this.schema = schema;
    this.paths = paths;
  }
}

/** The published schema files are inconsistent (bad JSON, missing or gapped versions). */
export class SchemaCatalogError extends Error {
  override name = 'SchemaCatalogError';
  readonly file: string;

  constructor(message: string, context: { readonly file: string }) {
    super(message);
    this.file = context.file;
  }
}
