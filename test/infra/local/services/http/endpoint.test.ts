import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsRequest,
  startAwsEndpoint,
} from '../../../../../infra/local/services/http/endpoint.ts';
import type { LoopbackServer } from '../../../../../infra/local/services/http/server.ts';

/** An endpoint that answers `body <length>`, or 413 `too large` above 100 bytes. */
function echoEndpoint(): Promise<LoopbackServer> {
  const answer = ({ res, requestId }: AwsRequest, status: number, text: string) => {
    res.writeHead(status, { 'x-amzn-requestid': requestId });
    res.end(text);
  };
  return startAwsEndpoint({
    maxBodyBytes: 100,
    onBodyTooLarge: (request) => answer(request, 413, 'too large'),
    dispatch: async (request, body) => answer(request, 200, `body ${body.length}`),
  });
}

let server: LoopbackServer;
beforeAll(async () => {
  server = await echoEndpoint();
});
afterAll(() => server.close());

describe('startAwsEndpoint', () => {
  it('hands a body of exactly maxBodyBytes to dispatch, with a new request id each time', async () => {
    // act
    const first = await fetch(server.endpoint, { method: 'POST', body: 'x'.repeat(100) });
    const second = await fetch(server.endpoint, { method: 'POST', body: '' });
    // assert
    expect([first.status, await first.text()]).toEqual([200, 'body 100']);
    expect(await second.text()).toBe('body 0');
    expect(first.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers.get('x-amzn-requestid')).not.toBe(first.headers.get('x-amzn-requestid'));
  });

  it('answers one byte more through onBodyTooLarge, without dispatching', async () => {
    const response = await fetch(server.endpoint, { method: 'POST', body: 'x'.repeat(101) });
    expect([response.status, await response.text()]).toEqual([413, 'too large']);
  });
});
