/**
 * The endpoint's responses. Every body is JSON with a `message` for errors; nothing internal
 * (stack traces, SDK messages, endpoints) ever leaves through here.
 */

import type { APIGatewayProxyResult } from 'aws-lambda';

/** A record that was not accepted, by its position in the request. */
export interface RecordVerdict {
  readonly index: number;
  readonly reason: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A JSON response. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** An error with a message naming the problem. */
export function errorResponse(
  statusCode: number,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { message }, headers);
}
