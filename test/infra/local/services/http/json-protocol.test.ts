import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../../../../infra/local/services/http/body.ts';
import { AwsServiceError } from '../../../../../infra/local/services/http/errors.ts';
import {
  dispatchJson,
  type JsonProtocolSpec,
} from '../../../../../infra/local/services/http/json-protocol.ts';
import {
  type LoopbackServer,
  startLoopbackServer,
} from '../../../../../infra/local/services/http/server.ts';

const spec: JsonProtocolSpec = {
  targetPrefix: 'Demo_2020',
  version: '1.1',
  errorNamespace: 'com.example',
  queryCompatible: true,
};

describe('dispatchJson', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer({
      handler: async (req, res) => {
        const body = await readBody(req, 10_000);
        await dispatchJson(
          req,
          res,
          body,
          spec,
          {
            Echo: (input) => ({ got: input }),
            Fail: () => {
              throw new AwsServiceError({ code: 'Legacy.Code', shape: 'NotThere', message: 'no' });
            },
          },
          undefined,
          'req-1',
        );
      },
    });
  });
  afterAll(() => server.close());

  function call(target: string, body: string): Promise<Response> {
    return fetch(server.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
      body,
    });
  }

  it('routes by X-Amz-Target and answers JSON', async () => {
    const response = await call('Demo_2020.Echo', '{"a":1}');
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toBe('req-1');
    expect(await response.json()).toEqual({ got: { a: 1 } });
  });

  it('answers errors with __type and the query-compatible code header', async () => {
    const response = await call('Demo_2020.Fail', '');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('Legacy.Code;Sender');
    expect(await response.json()).toEqual({ __type: 'com.example#NotThere', message: 'no' });
  });

  it('answers an unknown target and bad JSON with typed errors', async () => {
    const unknown = await call('Other.Echo', '{}');
    const bad = await call('Demo_2020.Echo', '{');
    expect(((await unknown.json()) as { __type: string }).__type).toBe(
      'com.example#UnknownOperationException',
    );
    expect(((await bad.json()) as { __type: string }).__type).toBe(
      'com.example#SerializationException',
    );
  });
});
