/**
 * `GET /v1/aggregates?source=…&metric=…&window=…&from=…&to=…`: the windows of one series in a
 * time range, each merged over its parts (shards, sub-keys), as JSON.
 *
 * @example
 * ```ts
 * const query = createQueryHandler(queryConfigFromEnv(env)); // local API server or Lambda
 * // GET /v1/aggregates?source=sensor-1&metric=cpu&window=1m&from=2024-01-01T00:00:00Z
 * // 200 {"windows":[{"windowStart":...,"count":...,"p99":...}, ...]}
 * ```
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbClient } from '../../infra/aws-clients.ts';
import { type Env, requireEnv } from '../../infra/env.ts';
import { DEFAULT_RELATIVE_ACCURACY } from '../aggregates/sketch.ts';
import { parseAggregatesQuery } from './parse-query.ts';
import { queryWindows, type WindowView } from './query-windows.ts';

/** Options of the query handler. */
export interface QueryConfig {
  readonly tableName: string;
  readonly dynamoDb: DynamoDBClient;
  /** Must match the processor's. @default 0.01 */
  readonly sketchRelativeAccuracy?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** The query handler's configuration from `TABLE_NAME` and the SDK endpoint variables. */
export function queryConfigFromEnv(env: Env = process.env): QueryConfig {
  return { tableName: requireEnv('TABLE_NAME', env), dynamoDb: dynamoDbClient(env) };
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** JSON of a window; statistics of an empty window (NaN, ±Infinity) become null. */
function viewJson(view: WindowView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view))
    out[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
  return out;
}

/** Builds the `GET /v1/aggregates` handler. */
export function createQueryHandler(
  config: QueryConfig,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const clock = config.clock ?? Date.now;
  const relativeAccuracy = config.sketchRelativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  return async (event) => {
    if (event.httpMethod !== 'GET') {
      return {
        statusCode: 405,
        headers: { ...JSON_HEADERS, allow: 'GET' },
        body: JSON.stringify({ message: `method ${event.httpMethod} not allowed; use GET` }),
      };
    }
    const parsed = parseAggregatesQuery(event.queryStringParameters, clock());
    if (parsed.status === 'invalid') {
      return {
        statusCode: 400,
        headers: JSON_HEADERS,
        body: JSON.stringify({ message: 'invalid query', problems: parsed.problems }),
      };
    }
    try {
      const windows = await queryWindows(config.dynamoDb, config.tableName, parsed.query, {
        relativeAccuracy,
      });
      return {
        statusCode: 200,
        headers: JSON_HEADERS,
        body: JSON.stringify({ ...parsed.query, windows: windows.map(viewJson) }),
      };
    } catch (error) {
      console.error(
        JSON.stringify({ level: 'error', msg: 'aggregates query failed', error: String(error) }),
      );
      return {
        statusCode: 502,
        headers: JSON_HEADERS,
        body: JSON.stringify({ message: 'the aggregates table could not be read; retry' }),
      };
    }
  };
}

let lazy: ReturnType<typeof createQueryHandler> | undefined;

/** The Lambda entry point: built once per container from `process.env`. */
export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  lazy ??= createQueryHandler(queryConfigFromEnv(process.env));
  return lazy(event);
};
