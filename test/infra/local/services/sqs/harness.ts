/** Shared set-up of the SQS endpoint tests: a server on a free port and an SDK v3 client for it. */

import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type SqsServer, startSqsServer } from '../../../../../infra/local/services/sqs/server.ts';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** An SDK client for `endpoint`, configured the way the project's clients are. */
export function sqsClient(endpoint: string, extra: Partial<SQSClientConfig> = {}): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    requestHandler: new NodeHttpHandler(),
    ...extra,
  });
}

/** A started server and its client; call `close` in afterAll. */
export async function startSqs(options: Parameters<typeof startSqsServer>[0] = {}): Promise<{
  server: SqsServer;
  client: SQSClient;
  close(): Promise<void>;
}> {
  const server = await startSqsServer(options);
  const client = sqsClient(server.endpoint);
  return {
    server,
    client,
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

/** A queue name unique within the run, so tests sharing a server do not meet. */
let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}
