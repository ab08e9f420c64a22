/**
 * The local Firehose endpoint: AWS JSON 1.1 (`X-Amz-Target: Firehose_20150804.<Action>`) on
 * loopback, so the unchanged `@aws-sdk/client-firehose` and the AWS CLI work against it.
 * DirectPut streams deliver to files laid out as Firehose lays out S3 objects:
 * `<dataDir>/firehose/<stream>/<prefix>YYYY/MM/DD/HH/<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>`.
 * Stream definitions persist in `<dataDir>/firehose/state.json`.
 *
 * @example
 * const firehose = await startFirehoseServer({ dataDir: '.data', bufferIntervalMillis: 1_000 });
 * // ... PutRecordBatch through FirehoseClient({ endpoint: firehose.endpoint, ... })
 * await firehose.close(); // writes what is still buffered
 */

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FIREHOSE } from '../../../limits.ts';
import { startAwsEndpoint } from '../http/endpoint.ts';
import {
  dispatchJson,
  type JsonActionTable,
  type JsonProtocolSpec,
  writeJsonError,
} from '../http/json-protocol.ts';
import { DebouncedStateFile, readStateFile } from '../http/state-file.ts';
import { StreamBuffer } from './buffer.ts';
import { FIREHOSE_ERRORS as E, type FirehoseDeliveryError } from './errors.ts';
import { decodeBatch, decodeRecord } from './records.ts';
import { defineStream, describeStream, STATE_FILE_NAME, type StreamDefinition } from './streams.ts';

/** Options of {@link startFirehoseServer}. */
export interface FirehoseServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Objects go under `<dataDir>/firehose/<stream>/`. */
  readonly dataDir: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * Longest time a record waits in a buffer: the stream's `IntervalInSeconds` applies when
   * shorter. Firehose's default of 300 s is too slow for a local run, so locally at most 60 s.
   * @default 60_000
   */
  readonly bufferIntervalMillis?: number;
  /** Largest buffer before an object is written; the stream's `SizeInMBs` applies when smaller. @default the stream's hint (5 MiB unless set) */
  readonly bufferSizeBytes?: number;
  /** Called when an object cannot be written (its records are dropped). @default logs to stderr */
  readonly onDeliveryError?: (error: FirehoseDeliveryError) => void;
  /** Called with the path of each object written. */
  readonly onDelivered?: (path: string) => void;
}

/** A running local Firehose. */
export interface FirehoseServer {
  readonly endpoint: string;
  /** Stops accepting requests, writes every buffer to its file, and writes the state file. */
  close(): Promise<void>;
}

const SPEC: JsonProtocolSpec = { targetPrefix: 'Firehose_20150804', version: '1.1' };
/** Base64 of 4 MiB of data is 5.6 MB; bodies beyond this cannot hold a valid batch. */
const MAX_BODY_BYTES = Math.ceil((FIREHOSE.maxBytesPerPutRecordBatch * 4) / 3) + 1024 * 1024;
const DEFAULT_INTERVAL_MILLIS = 60_000;

interface Stream {
  readonly definition: StreamDefinition;
  readonly buffer: StreamBuffer;
}

interface Context {
  readonly streams: Map<string, Stream>;
  readonly region: string;
  readonly accountId: string;
  readonly open: (definition: StreamDefinition) => Stream;
  readonly changed: () => void;
}

const ACTIONS: JsonActionTable<Context> = {
  CreateDeliveryStream(input, context) {
    const definition = defineStream(input, context, new Date());
    if (context.streams.has(definition.name)) throw E.inUse(definition.name, context.accountId);
    context.open(definition);
    context.changed();
    return { DeliveryStreamARN: definition.arn };
  },
  DescribeDeliveryStream(input, context) {
    return {
      DeliveryStreamDescription: describeStream(find(context, input.DeliveryStreamName).definition),
    };
  },
  ListDeliveryStreams(_input, context) {
    return {
      DeliveryStreamNames: [...context.streams.keys()].sort(),
      HasMoreDeliveryStreams: false,
    };
  },
  async DeleteDeliveryStream(input, context) {
    const stream = find(context, input.DeliveryStreamName);
    context.streams.delete(stream.definition.name);
    await stream.buffer.flush();
    context.changed();
    return {};
  },
  PutRecord(input, context) {
    const stream = find(context, input.DeliveryStreamName);
    stream.buffer.add([decodeRecord(input.Record, 'record')]);
    return { RecordId: recordId(), Encrypted: false };
  },
  PutRecordBatch(input, context) {
    const stream = find(context, input.DeliveryStreamName);
    const records = decodeBatch(input.Records);
    stream.buffer.add(records);
    // Every record is buffered, so none fails; the per-record shape is Firehose's all the same.
    return {
      FailedPutCount: 0,
      Encrypted: false,
      RequestResponses: records.map(() => ({ RecordId: recordId() })),
    };
  },
};

/** Starts the local Firehose endpoint, reopening the streams of an earlier run in `dataDir`. */
export async function startFirehoseServer(options: FirehoseServerOptions): Promise<FirehoseServer> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const root = join(options.dataDir, 'firehose');
  const streams = new Map<string, Stream>();
  const statePath = join(root, STATE_FILE_NAME);
  const stateFile = new DebouncedStateFile({
    path: statePath,
    snapshot: () => ({ version: 1, streams: [...streams.values()].map((s) => s.definition) }),
  });
  const onDeliveryError = options.onDeliveryError ?? ((error) => console.error(error.message));
  const maxInterval = options.bufferIntervalMillis ?? DEFAULT_INTERVAL_MILLIS;

  const open = (definition: StreamDefinition): Stream => {
    const stream: Stream = {
      definition,
      buffer: new StreamBuffer({
        streamName: definition.name,
        version: definition.version,
        folder: join(root, definition.name),
        prefix: definition.prefix,
        sizeBytes: Math.min(definition.sizeBytes, options.bufferSizeBytes ?? definition.sizeBytes),
        intervalMillis: Math.min(definition.intervalMillis, maxInterval),
        onDeliveryError,
        ...(options.onDelivered === undefined ? {} : { onDelivered: options.onDelivered }),
      }),
    };
    streams.set(definition.name, stream);
    return stream;
  };

  const saved = (await readStateFile(statePath)) as { streams?: StreamDefinition[] } | undefined;
  for (const definition of saved?.streams ?? []) open(definition);

  const context: Context = { streams, region, accountId, open, changed: () => stateFile.changed() };
  const server = await startAwsEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_BODY_BYTES,
    onBodyTooLarge: ({ res, requestId }) =>
      writeJsonError(res, SPEC, E.invalidArgument('Records size exceeds 4 MB limit'), requestId),
    dispatch: ({ req, res, requestId }, body) =>
      dispatchJson(req, res, body, SPEC, ACTIONS, context, requestId),
  });

  return {
    endpoint: server.endpoint,
    async close() {
      await server.close();
      await Promise.all([...streams.values()].map((s) => s.buffer.flush()));
      await stateFile.flush();
    },
  };
}

function find(context: Context, name: unknown): Stream {
  const stream = typeof name === 'string' ? context.streams.get(name) : undefined;
  if (stream === undefined) throw E.notFound(String(name), context.accountId);
  return stream;
}

/** Firehose record ids are long opaque strings; only their uniqueness matters. */
function recordId(): string {
  return randomBytes(28).toString('hex');
}
