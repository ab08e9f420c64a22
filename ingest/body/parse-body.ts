/**
 * Turns a request body into candidate records, one per position in the request. A body that
 * cannot be read at all is an error outcome (400, 413); a single unreadable record (an NDJSON
 * line, an Avro record) is marked unreadable at its index and its neighbours go on.
 */

import { decodeTelemetryEvent } from '../../schemas/codec.ts';
import { SchemaDecodeError } from '../../schemas/errors.ts';
import { BODY_FORMATS, type BodyFormat } from './media-types.ts';

/** Limits of {@link parseBody}. */
export interface BodyLimits {
  readonly maxBodyBytes: number;
  readonly maxRecordsPerRequest: number;
}

/** Candidate records: `values[i]` is record i, unless `unreadable` holds a reason for i. */
export interface ParsedRecords {
  readonly ok: true;
  readonly values: unknown[];
  readonly unreadable: ReadonlyMap<number, string>;
}

/** The body as a whole cannot be taken. */
export interface BodyProblem {
  readonly ok: false;
  readonly status: 400 | 413;
  readonly message: string;
}

const MAX_QUOTED_ERROR = 160;

/** Size of a body in bytes without decoding it (base64: exact decoded length). */
export function bodyBytes(body: string, isBase64Encoded: boolean): number {
  if (isBase64Encoded) {
    let padding = 0;
    if (body.endsWith('==')) padding = 2;
    else if (body.endsWith('=')) padding = 1;
    return Math.floor((body.length * 3) / 4) - padding;
  }
  return Buffer.byteLength(body, 'utf8');
}

/**
 * Parses a body of the given format.
 *
 * @param body API Gateway's `event.body`
 * @param isBase64Encoded API Gateway's `event.isBase64Encoded` (binary media types)
 */
export function parseBody(
  format: BodyFormat,
  body: string | null,
  isBase64Encoded: boolean,
  limits: BodyLimits,
): ParsedRecords | BodyProblem {
  const raw = body ?? '';
  const size = bodyBytes(raw, isBase64Encoded);
  if (size > limits.maxBodyBytes) {
    return {
      ok: false,
      status: 413,
      message: `body of ${size} bytes is over the limit of ${limits.maxBodyBytes} bytes; split it into smaller requests`,
    };
  }
  if (format === BODY_FORMATS.avroFrames) {
    const bytes = isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    return parseAvroFrames(bytes, limits);
  }
  const text = isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  switch (format) {
    case BODY_FORMATS.json:
      return parseJson(text, limits);
    case BODY_FORMATS.ndjson:
      return parseLines(text, limits, parseJsonLine);
    case BODY_FORMATS.avroBase64Lines:
      return parseLines(text, limits, parseAvroLine);
  }
}

function tooMany(count: number, limits: BodyLimits): BodyProblem {
  return {
    ok: false,
    status: 413,
    message: `${count} records is over the limit of ${limits.maxRecordsPerRequest} per request; split it into smaller requests`,
  };
}

function quoteError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_QUOTED_ERROR ? `${message.slice(0, MAX_QUOTED_ERROR)}…` : message;
}

function parseJson(text: string, limits: BodyLimits): ParsedRecords | BodyProblem {
  if (text.trim() === '') {
    return {
      ok: false,
      status: 400,
      message: 'body is empty: expected a JSON array of records or {"records": [...]}',
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, status: 400, message: `body is not valid JSON: ${quoteError(error)}` };
  }
  let values: unknown;
  if (Array.isArray(parsed)) values = parsed;
  else if (typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, 'records')) {
    values = (parsed as { records: unknown }).records;
  }
  if (!Array.isArray(values)) {
    const got = Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed;
    return {
      ok: false,
      status: 400,
      message: `body must be a JSON array of records or an object with a "records" array, got ${got === 'object' ? 'an object without a "records" array' : got}`,
    };
  }
  if (values.length > limits.maxRecordsPerRequest) return tooMany(values.length, limits);
  return { ok: true, values, unreadable: new Map() };
}

/** A line's record, or the reason it is unreadable. */
type LineResult = { ok: true; value: unknown } | { ok: false; reason: string };

function parseJsonLine(line: string): LineResult {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (error) {
    return { ok: false, reason: `line is not valid JSON: ${quoteError(error)}` };
  }
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function decodeAvro(bytes: Uint8Array): LineResult {
  try {
    return { ok: true, value: decodeTelemetryEvent(bytes) };
  } catch (error) {
    // Anything the decoder throws is about these bytes; a fuzzed body must never become a 500.
    const reason =
      error instanceof SchemaDecodeError
        ? `${error.reason}: ${quoteError(error)}`
        : 'invalid-body: not a TelemetryEvent record';
    return { ok: false, reason: `avro ${reason}` };
  }
}

function parseAvroLine(line: string): LineResult {
  if (!BASE64.test(line)) return { ok: false, reason: 'line is not base64' };
  return decodeAvro(Buffer.from(line, 'base64'));
}

/** Blank lines (and a trailing newline) are not records; `\r\n` line ends are accepted. */
function parseLines(
  text: string,
  limits: BodyLimits,
  parseLine: (line: string) => LineResult,
): ParsedRecords | BodyProblem {
  const values: unknown[] = [];
  const unreadable = new Map<number, string>();
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    if (values.length === limits.maxRecordsPerRequest) return tooMany(values.length + 1, limits);
    const result = parseLine(line);
    if (result.ok) values.push(result.value);
    else {
      unreadable.set(values.length, result.reason);
      values.push(undefined);
    }
  }
  return { ok: true, values, unreadable };
}

/** Reads an unsigned LEB128 varint of at most 5 bytes (lengths below 2^35). */
function readLength(
  bytes: Uint8Array,
  offset: number,
): { length: number; next: number } | undefined {
  let length = 0;
  let scale = 1;
  for (let i = 0; i < 5 && offset + i < bytes.length; i++) {
    const byte = bytes[offset + i]!;
    length += (byte & 0x7f) * scale;
    if (byte < 0x80) return { length, next: offset + i + 1 };
    scale *= 128;
  }
  return undefined;
}

function parseAvroFrames(bytes: Buffer, limits: BodyLimits): ParsedRecords | BodyProblem {
  const values: unknown[] = [];
  const unreadable = new Map<number, string>();
  let offset = 0;
  while (offset < bytes.length) {
    if (values.length === limits.maxRecordsPerRequest) return tooMany(values.length + 1, limits);
    const frame = readLength(bytes, offset);
    if (frame === undefined || frame.length > bytes.length - frame.next) {
      // The framing is lost: what follows cannot be split into records, so it is one bad record.
      const why =
        frame === undefined
          ? 'a malformed length prefix'
          : `a length of ${frame.length} with ${bytes.length - frame.next} bytes left`;
      unreadable.set(
        values.length,
        `frame at byte ${offset} has ${why}; the rest of the body was not read`,
      );
      values.push(undefined);
      break;
    }
    const result = decodeAvro(bytes.subarray(frame.next, frame.next + frame.length));
    if (result.ok) values.push(result.value);
    else {
      unreadable.set(values.length, result.reason);
      values.push(undefined);
    }
    offset = frame.next + frame.length;
  }
  return { ok: true, values, unreadable };
}
