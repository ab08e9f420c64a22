/**
 * A loopback HTTP server that behaves like an API Gateway REST API with Lambda proxy
 * integrations: it turns each request into a real `APIGatewayProxyEvent`, invokes the handler
 * of the matching route, and maps its `APIGatewayProxyResult` back onto the response.
 *
 * What it enforces the way API Gateway does: the 10 MB payload limit (413 before the handler
 * runs), binary media types passed base64-encoded, 404/405 for unknown routes, and Lambda's 6 MB
 * synchronous payload limit on the event it builds.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_GATEWAY } from '../../limits.ts';
import { API } from '../../resources.ts';
import { readBody } from '../services/http/body.ts';
import { BodyTooLargeError } from '../services/http/errors.ts';
import { startLoopbackServer } from '../services/http/server.ts';
import { lambdaContext } from './lambda-context.ts';

/** A proxy handler as API Gateway invokes it. */
export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/** One route: method and exact path, as an API Gateway resource and method. */
export interface Route {
  readonly method: string;
  readonly path: string;
  readonly functionName: string;
  readonly handler: ProxyHandler;
}

/** Options of {@link startApiGateway}. */
export interface ApiGatewayOptions {
  readonly routes: readonly Route[];
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The Lambda timeout each invocation gets. @default 29_000 (API Gateway's integration timeout) */
  readonly timeoutMillis?: number;
}

/** A running local API. */
export interface LocalApi {
  readonly url: string;
  close(): Promise<void>;
}

const JSON_ERROR = { 'content-type': 'application/json' } as const;

/** Starts the local API on loopback. */
export async function startApiGateway(options: ApiGatewayOptions): Promise<LocalApi> {
  const routes = new Map(options.routes.map((r) => [`${r.method} ${r.path}`, r]));
  const paths = new Set(options.routes.map((r) => r.path));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.get(`${req.method} ${url.pathname}`);
    if (!route) {
      const status = paths.has(url.pathname) ? 405 : 404;
      const message = status === 405 ? 'Method Not Allowed' : 'Missing Authentication Token';
      return send(res, status, JSON_ERROR, JSON.stringify({ message }));
    }
    let body: Buffer;
    try {
      body = await readBody(req, API_GATEWAY.maxPayloadBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return send(res, 413, JSON_ERROR, '{"message":"Request Entity Too Large"}');
    }
    const event = toProxyEvent(req, url, route, body);
    if (approximateEventBytes(event) > API_GATEWAY.lambdaMaxSyncPayloadBytes) {
      const message = `Request must be smaller than ${API_GATEWAY.lambdaMaxSyncPayloadBytes} bytes for the Lambda invocation`;
      return send(res, 413, JSON_ERROR, JSON.stringify({ message }));
    }
    const context = lambdaContext({
      functionName: route.functionName,
      timeoutMillis: options.timeoutMillis ?? 29_000,
    });
    let result: APIGatewayProxyResult;
    try {
      result = await route.handler(event, context);
    } catch (error) {
      // A handler that throws is a Lambda function error: API Gateway answers 502.
      console.error(`local API: ${route.functionName} failed`, error);
      return send(res, 502, JSON_ERROR, '{"message":"Internal server error"}');
    }
    const headers: Record<string, string | number | boolean> = { ...result.headers };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
      headers[name] = values.join(', ');
    }
    const payload = result.isBase64Encoded
      ? Buffer.from(result.body, 'base64')
      : Buffer.from(result.body);
    send(res, result.statusCode, headers, payload);
  }

  const server = await startLoopbackServer({
    handler: handle,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
  });
  return { url: server.endpoint, close: () => server.close() };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number | boolean>,
  body: string | Buffer,
): void {
  res.writeHead(status, { ...headers, 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

function isBinary(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return (API.binaryMediaTypes as readonly string[]).includes(mediaType);
}

/** Builds the event exactly in the shape API Gateway's REST proxy integration sends. */
export function toProxyEvent(
  req: IncomingMessage,
  url: URL,
  route: Route,
  body: Buffer,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    appendTo(multiValueHeaders, name, value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    appendTo(multiQuery, name, value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const binary = isBinary(req.headers['content-type']);
  const now = Date.now();
  const apiKey = req.headers['x-api-key'];
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary && body.length > 0,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: route.method,
      path: `/${API.stageName}${url.pathname}`,
      stage: API.stageName,
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: route.path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: typeof apiKey === 'string' ? apiKey : null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

/** The body dominates the event's size; headers add a little. */
function approximateEventBytes(event: APIGatewayProxyEvent): number {
  return (event.body?.length ?? 0) + 4096;
}

function appendTo(map: Record<string, string[]>, name: string, value: string): void {
  const list = map[name];
  if (list) list.push(value);
  else map[name] = [value];
}
