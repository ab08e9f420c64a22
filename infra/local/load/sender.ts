/** A sender for the load generator that posts JSON arrays to the ingest endpoint. */

import type { Sender } from './generator.ts';

/** Posts each batch as a JSON array with the API key; counts per-record outcomes from the reply. */
export function httpSender(target: { readonly url: string; readonly apiKey: string }): Sender {
  return async (events) => {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': target.apiKey },
      body: JSON.stringify(events),
    });
    const body = (await response.json()) as { accepted?: number; rejected?: unknown[] };
    if (response.status !== 200) return { accepted: 0, rejected: 0, failed: events.length };
    const rejected = body.rejected?.length ?? 0;
    const accepted = body.accepted ?? 0;
    return { accepted, rejected, failed: events.length - accepted - rejected };
  };
}
