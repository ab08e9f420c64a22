/**
 * The local SQS endpoint: a loopback HTTP server that speaks both of SQS's wire protocols, the
 * AWS JSON 1.0 protocol of current SDKs (`X-Amz-Target: AmazonSQS.<Action>`) and the query
 * protocol of older SDKs and CLIs (`Action=<Action>` form posts, XML answers), as AWS does.
 * In memory by default; with `dataDir`, state is kept in `<dataDir>/sqs/state.json`.
 *
 * @example
 * const sqs = await startSqsServer();
 * const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', ... });
 * await sqs.close();
 */

import { startAwsEndpoint } from '../http/endpoint.ts';
import { COMMON_ERRORS } from '../http/errors.ts';
import {
  dispatchJson,
  isJsonProtocolRequest,
  type JsonActionTable,
  type JsonProtocolSpec,
  writeJsonError,
} from '../http/json-protocol.ts';
import { dispatchQuery, writeXmlError } from '../http/query-protocol.ts';
import { type DebouncedStateFile, openServiceState } from '../http/state-file.ts';
import { messageActions, type SqsRequestContext } from './message-actions.ts';
import { queryActions, SQS_XMLNS } from './query-adapter.ts';
import { queueActions } from './queue-actions.ts';
import { SqsStore, type SqsStoreSnapshot } from './store.ts';

/** Options of {@link startSqsServer}. */
export interface SqsServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Directory for persistent state; in memory when absent. @default undefined */
  readonly dataDir?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * Largest request body read. Above SQS's 256 KiB because JSON and form encoding inflate
   * bodies; the message limits themselves are checked with AWS's errors.
   * @default 8 MiB
   */
  readonly maxRequestBytes?: number;
}

/** A running SQS endpoint. */
export interface SqsServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

const SQS_JSON: JsonProtocolSpec = {
  targetPrefix: 'AmazonSQS',
  version: '1.0',
  errorNamespace: 'com.amazonaws.sqs',
  queryCompatible: true,
};

/** Starts the endpoint; it serves when the promise resolves. */
export async function startSqsServer(options: SqsServerOptions = {}): Promise<SqsServer> {
  const maxRequestBytes = options.maxRequestBytes ?? 8 * 1024 * 1024;
  let endpoint = '';
  let stateFile: DebouncedStateFile | undefined;
  const store = new SqsStore({
    baseUrl: () => endpoint,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    onChange: () => stateFile?.changed(),
  });
  stateFile = await openServiceState({
    dataDir: options.dataDir,
    service: 'sqs',
    restore: (saved) => store.load(saved as SqsStoreSnapshot),
    snapshot: () => store.snapshot(),
  });
  const actions: JsonActionTable<SqsRequestContext> = {
    ...queueActions(store),
    ...messageActions(store),
  };
  const xmlActions = queryActions(actions, store);

  const server = await startAwsEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: maxRequestBytes,
    onBodyTooLarge: ({ req, res, requestId }) => {
      const tooLarge = COMMON_ERRORS.requestTooLarge(maxRequestBytes);
      if (isJsonProtocolRequest(req)) writeJsonError(res, SQS_JSON, tooLarge, requestId);
      else writeXmlError(res, { xmlns: SQS_XMLNS, error: tooLarge, requestId });
    },
    dispatch: async ({ req, res, requestId, signal }, body) => {
      const context: SqsRequestContext = { signal, ...(req.url ? { path: req.url } : {}) };
      if (isJsonProtocolRequest(req)) {
        await dispatchJson(req, res, body, SQS_JSON, actions, context, requestId);
      } else {
        await dispatchQuery(req, res, body, {
          xmlns: SQS_XMLNS,
          actions: xmlActions,
          context,
          requestId,
        });
      }
    },
  });
  endpoint = server.endpoint;

  return {
    endpoint,
    async close() {
      await server.close();
      await stateFile?.flush();
    },
  };
}
