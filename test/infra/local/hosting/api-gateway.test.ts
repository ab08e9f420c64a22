import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_GATEWAY } from '../../../../infra/limits.ts';
import { type LocalApi, startApiGateway } from '../../../../infra/local/hosting/api-gateway.ts';

let api: LocalApi;
const events: APIGatewayProxyEvent[] = [];

beforeAll(async () => {
  api = await startApiGateway({
    routes: [
      {
        method: 'POST',
        path: '/v1/echo',
        functionName: 'echo',
        handler: async (event, context) => {
          events.push(event);
          return {
            statusCode: 201,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              fn: context.functionName,
              remaining: context.getRemainingTimeInMillis(),
            }),
          };
        },
      },
      {
        method: 'GET',
        path: '/v1/fail',
        functionName: 'fail',
        handler: async () => {
          throw new Error('secret internals');
        },
      },
    ],
  });
});

afterAll(async () => {
  await api.close();
});

describe('startApiGateway', () => {
  it('turns a request into a REST proxy event and maps the result back', async () => {
    const response = await fetch(`${api.url}/v1/echo?a=1&a=2&b=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k1', 'X-Custom': 'v' },
      body: '{"hello":"world"}',
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ fn: 'echo' });
    const event = events.at(-1)!;
    expect(event).toMatchObject({
      resource: '/v1/echo',
      path: '/v1/echo',
      httpMethod: 'POST',
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      queryStringParameters: { a: '2', b: 'x' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['x'] },
      pathParameters: null,
      requestContext: { resourcePath: '/v1/echo', httpMethod: 'POST', identity: { apiKey: 'k1' } },
    });
    // API Gateway keeps header names as the client sent them.
    expect(event.headers['X-Custom']).toBe('v');
    expect(event.multiValueHeaders['X-Custom']).toEqual(['v']);
  });

  it('passes binary media types base64-encoded', async () => {
    const bytes = Buffer.from([0xc3, 0x01, 0xff, 0x00, 0x10]);
    await fetch(`${api.url}/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const event = events.at(-1)!;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(bytes);
  });

  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
    expect((await fetch(`${api.url}/v1/echo`)).status).toBe(405);
  });

  it('answers 502 without internals when the handler throws', async () => {
    const response = await fetch(`${api.url}/v1/fail`);
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toBe('{"message":"Internal server error"}');
  });

  it('rejects a body over 10 MB with 413 before the handler runs', async () => {
    const before = events.length;
    const response = await fetch(`${api.url}/v1/echo`, {
      method: 'POST',
      body: Buffer.alloc(API_GATEWAY.maxPayloadBytes + 1, 0x61),
    });
    expect(response.status).toBe(413);
    expect(events.length).toBe(before);
  });

  it('rejects a body over the Lambda 6 MB invocation limit with 413', async () => {
    const response = await fetch(`${api.url}/v1/echo`, {
      method: 'POST',
      body: Buffer.alloc(API_GATEWAY.lambdaMaxSyncPayloadBytes, 0x61),
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/6291456/);
  });
});
