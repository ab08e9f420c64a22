/**
 * Reading an API Gateway proxy event the way API Gateway fills it: header names keep the case
 * the client sent (HTTP says they are case-insensitive), and a repeated header may appear only
 * in `multiValueHeaders`.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A header's value, found case-insensitively; the first value of a repeated header. */
export function headerOf(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  const headers = event.headers ?? {};
  const direct = headers[name] ?? headers[wanted];
  if (direct !== undefined) return direct;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) return headers[key];
  }
  const multi = event.multiValueHeaders ?? {};
  for (const key of Object.keys(multi)) {
    if (key.toLowerCase() === wanted) return multi[key]?.[0];
  }
  return undefined;
}
