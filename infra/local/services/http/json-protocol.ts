/**
 * The AWS JSON 1.0 / 1.1 protocols: `POST /` with `X-Amz-Target: <Prefix>.<Action>`, a JSON body,
 * and errors as `{ "__type": "<namespace>#<Shape>", "message": ... }`. Services that moved from
 * the query protocol (SQS) also send `x-amzn-query-error: <Code>;<Fault>`, from which SDKs take
 * the old error code so that code written against the query protocol keeps working.
 * Reference: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError } from './errors.ts';

/** How one service speaks the JSON protocol. */
export interface JsonProtocolSpec {
  /** The target prefix before the dot, e.g. `AmazonSQS`, `AWSEvents`. */
  readonly targetPrefix: string;
  readonly version: '1.0' | '1.1';
  /** Namespace of `__type`, e.g. `com.amazonaws.sqs`; without it `__type` is the bare shape. */
  readonly errorNamespace?: string;
  /** Send `x-amzn-query-error`, as services with `awsQueryCompatible` do. @default false */
  readonly queryCompatible?: boolean;
}

/** A parsed JSON request body. */
export type JsonInput = Readonly<Record<string, unknown>>;

/** Action handlers by action name; the output object is sent as the JSON body. */
export type JsonActionTable<C> = Readonly<
  Record<string, (input: JsonInput, context: C) => unknown | Promise<unknown>>
>;

/** True when the request carries an `X-Amz-Target` header, i.e. speaks a JSON protocol. */
export function isJsonProtocolRequest(req: IncomingMessage): boolean {
  return typeof req.headers['x-amz-target'] === 'string';
}

/** The action named by `X-Amz-Target`, or undefined when the prefix is not the service's. */
export function jsonAction(req: IncomingMessage, spec: JsonProtocolSpec): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string') return undefined;
  const dot = target.lastIndexOf('.');
  if (dot < 0 || target.slice(0, dot) !== spec.targetPrefix) return undefined;
  return target.slice(dot + 1);
}

/** Parses a JSON body; an empty body is `{}`, a non-object is a `SerializationException`. */
export function parseJsonInput(body: Buffer): JsonInput {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AwsServiceError({
      code: 'SerializationException',
      message: `request body is not valid JSON: ${(error as Error).message}`,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsServiceError({
      code: 'SerializationException',
      message: 'request body must be a JSON object',
    });
  }
  return parsed as JsonInput;
}

function contentType(spec: JsonProtocolSpec): string {
  return `application/x-amz-json-${spec.version}`;
}

/** Writes a successful JSON response. */
export function writeJsonResult(
  res: ServerResponse,
  spec: JsonProtocolSpec,
  output: unknown,
  requestId: string,
): void {
  const body = JSON.stringify(output ?? {});
  res.writeHead(200, {
    'content-type': contentType(spec),
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

/** Writes an AWS error in the JSON protocol's shape. */
export function writeJsonError(
  res: ServerResponse,
  spec: JsonProtocolSpec,
  error: AwsServiceError,
  requestId: string,
): void {
  const type = spec.errorNamespace ? `${spec.errorNamespace}#${error.shape}` : error.shape;
  const body = JSON.stringify({ __type: type, message: error.message });
  const headers: Record<string, string | number> = {
    'content-type': contentType(spec),
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  };
  if (spec.queryCompatible) headers['x-amzn-query-error'] = `${error.code};${error.fault}`;
  res.writeHead(error.statusCode, headers);
  res.end(body);
}

/**
 * Dispatches a JSON-protocol request to its action and writes the result or the error.
 * Errors other than {@link AwsServiceError} propagate, for the server to answer 500.
 */
export async function dispatchJson<C>(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  spec: JsonProtocolSpec,
  actions: JsonActionTable<C>,
  context: C,
  requestId: string,
): Promise<void> {
  try {
    const action = jsonAction(req, spec);
    const handler = action === undefined ? undefined : actions[action];
    if (handler === undefined) {
      throw new AwsServiceError({
        code: 'UnknownOperationException',
        message: `unknown operation ${String(req.headers['x-amz-target'])}`,
      });
    }
    const output = await handler(parseJsonInput(body), context);
    writeJsonResult(res, spec, output, requestId);
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    writeJsonError(res, spec, error, requestId);
  }
}
