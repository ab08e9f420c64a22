/**
 * The ingest Lambda behind API Gateway (REST API, proxy integration): `POST /v1/events`.
 * A thin adapter: read the event, call the core (parse, validate, encode, partition, aggregate),
 * write to Kinesis, and map the outcome to a response that says what happened to each record.
 *
 * | status | when |
 * |---|---|
 * | 200 | the body was readable: `{ accepted, rejected: [{ index, reason }] }` |
 * | 400 | the body cannot be read at all |
 * | 401 | no valid `x-api-key` |
 * | 413 | body over `maxBodyBytes`, or more than `maxRecordsPerRequest` records |
 * | 415 | a `Content-Type` the endpoint does not read |
 * | 429 | the caller is over its rate (`Retry-After` in seconds) |
 * | 503 | Kinesis stayed unavailable: `{ accepted, rejected, failed: [{ index, reason }] }` |
 */

import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { bodyFormatOf, MEDIA_TYPES } from './body/media-types.ts';
import { parseBody } from './body/parse-body.ts';
import { type IngestConfig, ingestConfigFromEnv, resolveIngestConfig } from './config.ts';
import { ApiKeys } from './http/api-keys.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { headerOf } from './http/request.ts';
import { errorResponse, jsonResponse, type RecordVerdict } from './http/response.ts';
import { writeEntries } from './kinesis/put-records.ts';
import { listShards, ShardMapCache } from './kinesis/shard-map-cache.ts';
import { HotKeyTracker } from './partition/hot-keys.ts';
import { PartitionRouter, type ShardMap } from './partition/shard-map.ts';
import { planRequest } from './pipeline.ts';

export type { IngestConfig } from './config.ts';
export { ingestConfigFromEnv } from './config.ts';

type IngestHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

const SUPPORTED_TYPES = Object.keys(MEDIA_TYPES).join(', ');

/**
 * Builds the handler. Everything that lives across invocations (hashed API keys, rate buckets,
 * hot-key counts, the shard map) is created here, once per Lambda instance.
 *
 * @example
 * ```ts
 * const handler = createIngestHandler(ingestConfigFromEnv(env));
 * const result = await handler(apiGatewayEvent, context);
 * ```
 */
export function createIngestHandler(config: IngestConfig): IngestHandler {
  const c = resolveIngestConfig(config);
  const apiKeys = new ApiKeys(c.apiKeys);
  const rateLimiter = new RateLimiter({
    recordsPerSecond: c.rateLimitRecordsPerSecond,
    burstRecords: c.rateLimitBurstRecords,
  });
  const hotKeys = new HotKeyTracker({
    subKeys: c.hotKeySubKeys,
    requestShareFactor: c.hotKeyRequestShareFactor,
    minRecordsPerRequest: c.hotKeyMinRecordsPerRequest,
    recordsPerSecond: c.hotKeyRecordsPerSecond,
    intervalMillis: c.hotKeyIntervalMillis,
    maxTrackedSources: c.hotKeyMaxTrackedSources,
  });
  const shardMaps = new ShardMapCache(() => listShards(c.kinesis, c.streamName), {
    ttlMillis: c.shardMapTtlMillis,
    now: c.now,
  });
  let router: PartitionRouter = new PartitionRouter(undefined);
  const routerFor = (map: ShardMap | undefined) => {
    if (router.map !== map) router = new PartitionRouter(map);
    return router;
  };

  const handle = async (
    event: APIGatewayProxyEvent,
    context: Context,
  ): Promise<APIGatewayProxyResult> => {
    if (event.httpMethod !== undefined && event.httpMethod !== 'POST') {
      return errorResponse(405, `method ${event.httpMethod} is not allowed; use POST`, {
        allow: 'POST',
      });
    }
    const caller = apiKeys.match(headerOf(event, 'x-api-key'));
    if (caller < 0)
      return errorResponse(401, 'missing or invalid API key: send it in the x-api-key header');

    const contentType = headerOf(event, 'content-type');
    const format = bodyFormatOf(contentType);
    if (format === undefined) {
      return errorResponse(
        415,
        `unsupported Content-Type ${JSON.stringify(contentType)}; use one of ${SUPPORTED_TYPES}`,
      );
    }
    const parsed = parseBody(format, event.body, event.isBase64Encoded === true, c);
    if (!parsed.ok) return errorResponse(parsed.status, parsed.message);

    const rate = rateLimiter.take(caller, parsed.values.length, c.now());
    if (!rate.allowed) {
      return errorResponse(
        429,
        `over the rate of ${c.rateLimitRecordsPerSecond} records/s for this API key; retry after ${rate.retryAfterSeconds} s`,
        {
          'retry-after': String(rate.retryAfterSeconds),
        },
      );
    }

    const now = c.now();
    const router = routerFor(await shardMaps.get());
    const plan = planRequest(parsed, c, { router, hotKeys }, now);
    const rejected = plan.rejected;
    if (plan.entries.length === 0)
      return jsonResponse(200, { accepted: 0, rejected: rejected.sort(byIndex) });

    const budget =
      typeof context?.getRemainingTimeInMillis === 'function'
        ? context.getRemainingTimeInMillis()
        : c.defaultWriteBudgetMillis;
    const outcomes = await writeEntries(c.kinesis, plan.entries, {
      streamName: c.streamName,
      maxAttempts: c.maxPutAttempts,
      baseBackoffMillis: c.baseBackoffMillis,
      maxBackoffMillis: c.maxBackoffMillis,
      deadlineMillis: c.now() + budget - c.deadlineSafetyMillis,
      maxConcurrentCalls: c.maxConcurrentPutRecords,
      now: c.now,
      random: c.random,
      onShardMismatch: () => shardMaps.invalidate(),
    });

    let accepted = 0;
    const failed: RecordVerdict[] = [];
    outcomes.forEach((outcome, i) => {
      const indexes = plan.entries[i]!.indexes;
      if (outcome.status === 'written') accepted += indexes.length;
      else for (const index of indexes) failed.push({ index, reason: outcome.reason });
    });
    rejected.sort(byIndex);
    if (failed.length === 0) return jsonResponse(200, { accepted, rejected });
    failed.sort(byIndex);
    logWriteFailure(context, failed.length, outcomes);
    return jsonResponse(
      503,
      {
        message: `Kinesis did not take ${failed.length} record(s) after retries; resend the records listed in "failed"`,
        accepted,
        rejected,
        failed,
      },
      { 'retry-after': '1' },
    );
  };

  return async (event, context) => {
    try {
      return await handle(event, context);
    } catch (error) {
      // Never let internals out: log them, answer with the request id to quote.
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'ingest handler failed',
          requestId: context?.awsRequestId,
          error: String((error as Error)?.stack ?? error),
        }),
      );
      return errorResponse(
        500,
        `internal error; quote request id ${context?.awsRequestId ?? 'unknown'} when reporting it`,
      );
    }
  };
}

function byIndex(a: RecordVerdict, b: RecordVerdict): number {
  return a.index - b.index;
}

function logWriteFailure(
  context: Context | undefined,
  records: number,
  outcomes: readonly { status: string; errorCode?: string }[],
): void {
  const codes = [...new Set(outcomes.filter((o) => o.status === 'failed').map((o) => o.errorCode))];
  console.warn(
    JSON.stringify({
      level: 'warn',
      message: 'records not written to Kinesis',
      requestId: context?.awsRequestId,
      records,
      codes,
    }),
  );
}

let instance: IngestHandler | undefined;

/** The Lambda entry point: built once, lazily, from `process.env`. */
export const handler: IngestHandler = (event, context) => {
  instance ??= createIngestHandler(ingestConfigFromEnv(process.env));
  return instance(event, context);
};
