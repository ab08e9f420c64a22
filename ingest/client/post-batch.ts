/**
 * One request of the producer client, and how its response is read: the per-record verdicts of
 * a 200 or 503, or what to do with the whole batch otherwise.
 */

/** What one POST told the producer. */
export type BatchResult =
  /** 200 or 503: verdicts by batch position (a 503's `failed` are worth resending). */
  | {
      readonly kind: 'answered';
      readonly rejected: ReadonlyMap<number, string>;
      readonly failed: ReadonlyMap<number, string>;
      readonly retryAfterSeconds?: number;
    }
  /** 429, other 5xx, network errors: resend the whole batch later. */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterSeconds?: number }
  /** 413: split the batch. */
  | { readonly kind: 'too-large'; readonly reason: string }
  /** 400, 401, 415...: resending will not help. */
  | { readonly kind: 'fatal'; readonly reason: string };

interface PostOptions {
  readonly endpoint: string;
  readonly apiKey: string;
  readonly requestTimeoutMillis: number;
  readonly fetch: typeof fetch;
}

interface Verdict {
  readonly index: number;
  readonly reason: string;
}

function verdicts(list: unknown): Map<number, string> {
  const map = new Map<number, string>();
  if (Array.isArray(list)) {
    for (const v of list as Verdict[])
      if (typeof v?.index === 'number') map.set(v.index, String(v.reason));
  }
  return map;
}

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Posts NDJSON lines; never rejects. */
export async function postBatch(
  lines: readonly string[],
  options: PostOptions,
): Promise<BatchResult> {
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'x-api-key': options.apiKey },
      body: lines.join('\n'),
      signal: AbortSignal.timeout(options.requestTimeoutMillis),
    });
    text = await response.text();
  } catch (error) {
    return { kind: 'retry', reason: `request failed: ${(error as Error)?.name ?? 'error'}` };
  }
  let body: { message?: unknown; rejected?: unknown; failed?: unknown } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // A proxy's HTML error page; the status decides alone.
  }
  const message = typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`;
  const after = retryAfter(response);
  if (response.status === 200 || (response.status === 503 && Array.isArray(body?.failed))) {
    return {
      kind: 'answered',
      rejected: verdicts(body.rejected),
      failed: verdicts(body.failed),
      ...(after !== undefined ? { retryAfterSeconds: after } : {}),
    };
  }
  if (response.status === 413) return { kind: 'too-large', reason: message };
  if (response.status === 429 || response.status >= 500) {
    return {
      kind: 'retry',
      reason: `${response.status}: ${message}`,
      ...(after !== undefined ? { retryAfterSeconds: after } : {}),
    };
  }
  return { kind: 'fatal', reason: `${response.status}: ${message}` };
}
