/**
 * The request loop every local AWS endpoint shares: a loopback server where each request gets a
 * request id and its body, read up to the service's cap. A larger body is answered with the
 * service's own error, in the service's protocol, before any action runs; everything else goes
 * to the service's dispatcher.
 *
 * @example
 * const server = await startAwsEndpoint({
 *   host: options.host,
 *   port: options.port,
 *   maxBodyBytes: 8 * 1024 * 1024,
 *   onBodyTooLarge: ({ res, requestId }) => writeJsonError(res, SPEC, tooLarge, requestId),
 *   dispatch: ({ req, res, requestId }, body) =>
 *     dispatchJson(req, res, body, SPEC, ACTIONS, context, requestId),
 * });
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.ts';
import { BodyTooLargeError } from './errors.ts';
import { type LoopbackServer, startLoopbackServer } from './server.ts';

/** One request to an endpoint, with the id its answer carries in `x-amzn-requestid`. */
export interface AwsRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  /** Aborts when the server closes: a handler that waits (a long poll) must answer at once. */
  readonly signal: AbortSignal;
}

/** Options of {@link startAwsEndpoint}. */
export interface AwsEndpointOptions {
  /** @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** 0 picks a free port. @default 0 */
  readonly port?: number | undefined;
  /** Largest request body read. */
  readonly maxBodyBytes: number;
  /** Answers a request whose body is over `maxBodyBytes` (the rest of it is drained, not kept). */
  readonly onBodyTooLarge: (request: AwsRequest) => void;
  /** Answers a request, given its whole body. */
  readonly dispatch: (request: AwsRequest, body: Buffer) => Promise<void>;
}

/** Starts the endpoint; it serves when the promise resolves. */
export function startAwsEndpoint(options: AwsEndpointOptions): Promise<LoopbackServer> {
  return startLoopbackServer({
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    handler: async (req, res, signal) => {
      const request: AwsRequest = { req, res, requestId: randomUUID(), signal };
      let body: Buffer;
      try {
        body = await readBody(req, options.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        options.onBodyTooLarge(request);
        return;
      }
      await options.dispatch(request, body);
    },
  });
}
