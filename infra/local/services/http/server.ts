/**
 * A loopback HTTP server for a local AWS endpoint: port 0 (a free port) by default, one handler
 * for every request, and a `close()` that ends promptly even with long polls in flight and SDK
 * clients holding keep-alive connections.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, COMMON_ERRORS } from './errors.ts';

/**
 * Handles one request. `signal` aborts when the server closes: a handler that waits (a long
 * poll) must listen to it and answer at once.
 */
export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
) => Promise<void>;

/** Options of {@link startLoopbackServer}. */
export interface LoopbackServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  readonly handler: RequestHandler;
  /**
   * Called for an error that escaped the handler, after a 500 was sent.
   * @default logs to stderr
   */
  readonly onError?: (error: unknown) => void;
}

/** A running loopback server. */
export interface LoopbackServer {
  /** `http://host:port`, no trailing slash. */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  /** Aborts when `close()` starts. */
  readonly signal: AbortSignal;
  /** Aborts waiting handlers, waits for in-flight requests, then closes every connection. */
  close(): Promise<void>;
}

/** Starts the server; it listens when the promise resolves. */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const controller = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const onError =
    options.onError ?? ((error: unknown) => console.error('local endpoint error:', error));

  const server = createServer((req, res) => {
    const work = options
      .handler(req, res, controller.signal)
      .catch((error: unknown) => {
        if (!res.headersSent) {
          const failure =
            error instanceof AwsServiceError ? error : COMMON_ERRORS.internal(String(error));
          res.writeHead(failure.statusCode, { 'content-type': 'text/plain' });
          res.end(failure.message);
        } else {
          res.destroy();
        }
        onError(error);
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  // SDK clients keep connections alive; a short idle timeout keeps close() and test teardown quick.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${urlHost}:${port}`,
    host,
    port,
    signal: controller.signal,
    close() {
      closing ??= (async () => {
        controller.abort();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
