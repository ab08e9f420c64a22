/**
 * A loopback proxy in front of kinesalite that makes PutRecords fail the way a throttled stream
 * does: a configured share of entries come back with `ProvisionedThroughputExceededException`.
 * Those entries are never written: the proxy forwards only the entries chosen to succeed and
 * synthesizes the error results in the failed entries' positions, so "failed" means "not in the
 * stream", exactly as on AWS. Every other call passes through untouched.
 *
 * @example
 * ```ts
 * const proxy = await startKinesisFaultProxy({ target: emulators.kinesisEndpoint, putRecordsFailureRate: 0.3, seed: 7 });
 * const client = kinesisClient({ ...env, AWS_ENDPOINT_URL_KINESIS: proxy.endpoint });
 * ```
 */

import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { closeServer, listen } from './net.ts';
import { seededRandom } from './seeded-random.ts';

/** Options of {@link startKinesisFaultProxy}. */
export interface KinesisFaultProxyOptions {
  /** kinesalite's endpoint, `http://127.0.0.1:PORT`. */
  readonly target: string;
  /** Share of PutRecords entries answered with a throughput error, in [0, 1]. */
  readonly putRecordsFailureRate: number;
  /** Seed of the choice, for reproducible runs. @default 1 */
  readonly seed?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/** Counters of what went through. */
export interface KinesisFaultProxyStats {
  /** Calls by operation name (`PutRecords`, `ListShards`...). */
  readonly calls: Record<string, number>;
  /** PutRecords entries received. */
  putRecordsEntries: number;
  /** Entries answered with a synthesized throughput error. */
  injectedFailures: number;
}

/** A running proxy. */
export interface KinesisFaultProxy {
  readonly endpoint: string;
  readonly stats: KinesisFaultProxyStats;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'Kinesis_20131202.';

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Forwarded {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Forwarded> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && name !== 'host' && name !== 'content-length')
      headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const out = request(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string' && name !== 'content-length' && name !== 'connection')
              h[name] = value;
          }
          resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

function reply(res: ServerResponse, answer: Forwarded): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  res.end(answer.body);
}

interface PutRecordsResult {
  FailedRecordCount?: number;
  Records?: Record<string, unknown>[];
  [key: string]: unknown;
}

/** Starts the proxy; it listens when the promise resolves. */
export async function startKinesisFaultProxy(
  options: KinesisFaultProxyOptions,
): Promise<KinesisFaultProxy> {
  const rate = options.putRecordsFailureRate;
  if (!(rate >= 0 && rate <= 1)) {
    throw new RangeError(`putRecordsFailureRate must be in [0, 1], got ${rate}`);
  }
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 1);
  const stats: KinesisFaultProxyStats = { calls: {}, putRecordsEntries: 0, injectedFailures: 0 };

  async function putRecords(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    let input: { Records?: unknown[]; [key: string]: unknown };
    try {
      input = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(res, await forward(target, req, raw));
    }
    const entries = Array.isArray(input.Records) ? input.Records : [];
    stats.putRecordsEntries += entries.length;
    const fail = entries.map(() => rate > 0 && random() < rate);
    const kept = entries.filter((_, i) => !fail[i]);
    if (kept.length === entries.length) return reply(res, await forward(target, req, raw));
    let forwarded: PutRecordsResult = { FailedRecordCount: 0, Records: [] };
    let headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
    if (kept.length > 0) {
      const answer = await forward(
        target,
        req,
        Buffer.from(JSON.stringify({ ...input, Records: kept })),
      );
      // A call-level error (bad stream, validation) is the whole answer, as it would be on AWS.
      if (answer.status !== 200) return reply(res, answer);
      forwarded = JSON.parse(answer.body.toString('utf8')) as PutRecordsResult;
      headers = answer.headers;
    }
    const results = forwarded.Records ?? [];
    const merged: Record<string, unknown>[] = [];
    let next = 0;
    let injected = 0;
    for (let i = 0; i < entries.length; i++) {
      if (fail[i]) {
        injected++;
        merged.push({
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: 'Rate exceeded for shard (injected by the local fault proxy).',
        });
      } else
        merged.push(
          results[next++] ?? { ErrorCode: 'InternalFailure', ErrorMessage: 'missing result' },
        );
    }
    stats.injectedFailures += injected;
    const body = Buffer.from(
      JSON.stringify({
        ...forwarded,
        FailedRecordCount: (forwarded.FailedRecordCount ?? 0) + injected,
        Records: merged,
      }),
    );
    reply(res, { status: 200, headers, body });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readAll(req);
      const targetHeader = req.headers['x-amz-target'];
      const operation =
        typeof targetHeader === 'string' && targetHeader.startsWith(TARGET_PREFIX)
          ? targetHeader.slice(TARGET_PREFIX.length)
          : 'unknown';
      stats.calls[operation] = (stats.calls[operation] ?? 0) + 1;
      if (operation === 'PutRecords') await putRecords(req, res, raw);
      else reply(res, await forward(target, req, raw));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{"__type":"InternalFailure","message":"fault proxy could not reach the target"}');
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, host, options.port ?? 0);
  return { endpoint: `http://${host}:${port}`, stats, close: () => closeServer(server) };
}
