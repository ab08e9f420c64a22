/**
 * The request body formats of `POST /v1/events`, keyed by media type (a lookup table: the
 * `Content-Type` parameters such as `charset` are ignored).
 */

/** How a body holds its records. */
export const BODY_FORMATS = {
  /** A JSON array of records, or `{ "records": [...] }`. */
  json: 'json',
  /** One JSON record per line. */
  ndjson: 'ndjson',
  /** One Avro single-object record per line, base64 (standard or URL-safe alphabet). */
  avroBase64Lines: 'avro-base64-lines',
  /**
   * Binary: each Avro single-object record preceded by its length in bytes as an unsigned
   * LEB128 varint (protobuf's "delimited" framing). API Gateway passes it base64-encoded, as
   * one of the API's binary media types.
   */
  avroFrames: 'avro-frames',
} as const;

export type BodyFormat = (typeof BODY_FORMATS)[keyof typeof BODY_FORMATS];

/** Media types accepted, and the format each means. */
export const MEDIA_TYPES: Readonly<Record<string, BodyFormat>> = {
  'application/json': BODY_FORMATS.json,
  'application/x-ndjson': BODY_FORMATS.ndjson,
  'application/jsonl': BODY_FORMATS.ndjson,
  'application/vnd.apache.avro+base64': BODY_FORMATS.avroBase64Lines,
  'application/vnd.apache.avro': BODY_FORMATS.avroFrames,
  'avro/binary': BODY_FORMATS.avroFrames,
  'application/octet-stream': BODY_FORMATS.avroFrames,
};

/**
 * The body format a `Content-Type` names; JSON when the header is absent (what curl users expect
 * of a JSON API); undefined for a type this endpoint does not read.
 */
export function bodyFormatOf(contentType: string | undefined): BodyFormat | undefined {
  if (contentType === undefined || contentType.trim() === '') return BODY_FORMATS.json;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon))
    .trim()
    .toLowerCase();
  return Object.hasOwn(MEDIA_TYPES, mediaType) ? MEDIA_TYPES[mediaType] : undefined;
}
