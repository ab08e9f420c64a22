/**
 * The local SNS endpoint: a loopback HTTP server speaking SNS's query protocol (form posts with
 * `Action=...`, XML answers), as the AWS SDK v3 SNS client and the AWS CLI do. Subscriptions
 * deliver to the local SQS endpoint through the real SDK SQS client, and to HTTP/S endpoints.
 * In memory by default; with `dataDir`, topics and subscriptions are kept in
 * `<dataDir>/sns/state.json` (messages are not: SNS does not store them either).
 *
 * @example
 * const sns = await startSnsServer({ sqsEndpoint: sqs.endpoint });
 */

import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startAwsEndpoint } from '../http/endpoint.ts';
import { COMMON_ERRORS } from '../http/errors.ts';
import { dispatchQuery, type QueryActionTable, writeXmlError } from '../http/query-protocol.ts';
import { type DebouncedStateFile, openServiceState } from '../http/state-file.ts';
import { Deliveries } from './delivery.ts';
import { publishActions } from './publish-actions.ts';
import { SnsStore, type SnsStoreSnapshot } from './store.ts';
import { topicActions } from './topic-actions.ts';

/** The XML namespace of SNS responses. */
export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Options of {@link startSnsServer}. */
export interface SnsServerOptions {
  /** Where `sqs` subscriptions deliver (the local SQS endpoint). */
  readonly sqsEndpoint: string;
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
  /** Told of deliveries that failed for good. @default logs to stderr */
  readonly onDeliveryError?: (error: unknown) => void;
  /** Largest request body read (form encoding inflates messages). @default 8 MiB */
  readonly maxRequestBytes?: number;
}

/** A running SNS endpoint. */
export interface SnsServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts the endpoint; it serves when the promise resolves. */
export async function startSnsServer(options: SnsServerOptions): Promise<SnsServer> {
  const maxRequestBytes = options.maxRequestBytes ?? 8 * 1024 * 1024;
  const region = options.region ?? 'us-east-1';
  let endpoint = '';
  let stateFile: DebouncedStateFile | undefined;
  const store = new SnsStore({
    region,
    accountId: options.accountId ?? '000000000000',
    onChange: () => stateFile?.changed(),
  });
  stateFile = await openServiceState({
    dataDir: options.dataDir,
    service: 'sns',
    restore: (saved) => store.load(saved as SnsStoreSnapshot),
    snapshot: () => store.snapshot(),
  });
  const sqsClient = new SQSClient({
    endpoint: options.sqsEndpoint,
    region,
    credentials: { accessKeyId: 'local-sns', secretAccessKey: 'local-sns' },
    requestHandler: new NodeHttpHandler(),
  });
  const deliveries = new Deliveries({
    sqsClient,
    sqsEndpoint: options.sqsEndpoint,
    snsEndpoint: () => endpoint,
    ...(options.onDeliveryError ? { onError: options.onDeliveryError } : {}),
  });
  const actions: QueryActionTable<undefined> = {
    ...topicActions(store, deliveries),
    ...publishActions(store, deliveries),
  };

  const server = await startAwsEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: maxRequestBytes,
    onBodyTooLarge: ({ res, requestId }) =>
      writeXmlError(res, {
        xmlns: SNS_XMLNS,
        error: COMMON_ERRORS.requestTooLarge(maxRequestBytes),
        requestId,
      }),
    dispatch: ({ req, res, requestId }, body) =>
      dispatchQuery(req, res, body, { xmlns: SNS_XMLNS, actions, context: undefined, requestId }),
  });
  endpoint = server.endpoint;

  return {
    endpoint,
    async close() {
      await deliveries.close();
      await server.close();
      sqsClient.destroy();
      await stateFile?.flush();
    },
  };
}
