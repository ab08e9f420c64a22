import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from '../../../../../infra/local/services/http/body.ts';
import { BodyTooLargeError } from '../../../../../infra/local/services/http/errors.ts';
import {
  type LoopbackServer,
  startLoopbackServer,
} from '../../../../../infra/local/services/http/server.ts';

describe('startLoopbackServer', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('listens on a free loopback port by default', async () => {
    // arrange
    server = await startLoopbackServer({
      handler: async (_req, res) => {
        res.end('ok');
      },
    });
    // act
    const response = await fetch(`${server.endpoint}/`);
    // assert
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(await response.text()).toBe('ok');
  });

  it('aborts waiting handlers on close, so a long poll ends at once', async () => {
    // arrange: a handler that waits until the server closes
    server = await startLoopbackServer({
      handler: (_req, res, signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            res.end('closed');
            resolve();
          });
        }),
    });
    const pending = fetch(`${server.endpoint}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    // act
    const started = Date.now();
    await server.close();
    // assert
    expect(await pending).toBe('closed');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers 500 when a handler throws, and keeps serving', async () => {
    // arrange
    let calls = 0;
    server = await startLoopbackServer({
      onError: () => undefined,
      handler: async (_req, res) => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        res.end('second');
      },
    });
    // act
    const first = await fetch(`${server.endpoint}/`);
    const second = await fetch(`${server.endpoint}/`);
    // assert
    expect(first.status).toBe(500);
    expect(await second.text()).toBe('second');
  });
});

describe('readBody', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function echoServer(maxBytes: number): Promise<LoopbackServer> {
    return startLoopbackServer({
      handler: async (req, res) => {
        try {
          const body = await readBody(req, maxBytes);
          res.end(`read ${body.length}`);
        } catch (error) {
          res.statusCode = 413;
          res.end(error instanceof BodyTooLargeError ? `limit ${error.limitBytes}` : 'other');
        }
      },
    });
  }

  it('reads a body of exactly the limit', async () => {
    server = await echoServer(1_000);
    const response = await fetch(server.endpoint, { method: 'POST', body: 'x'.repeat(1_000) });
    expect(await response.text()).toBe('read 1000');
  });

  it('refuses a body one byte over the limit and still answers', async () => {
    server = await echoServer(1_000);
    const response = await fetch(server.endpoint, { method: 'POST', body: 'x'.repeat(1_001) });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('limit 1000');
  });
});
