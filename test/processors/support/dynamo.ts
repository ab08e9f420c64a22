/** A dynalite on loopback with the aggregates table, for the processor's integration tests. */

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import dynalite from 'dynalite';
import { closeServer, listen } from '../../../infra/local/net.ts';
import { TABLES } from '../../../infra/resources.ts';

/** A running dynalite and a client for it. */
export interface TestDynamo {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startTestDynamo(): Promise<TestDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, '127.0.0.1', 0);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await closeServer(server);
    },
  };
}

let tableCounter = 0;

/** Creates a fresh aggregates table (keys and indexes of `TABLES.aggregates`) and returns its name. */
export async function createAggregatesTable(client: DynamoDBClient): Promise<string> {
  const def = TABLES.aggregates;
  const name = `${def.name}-${process.pid}-${++tableCounter}`;
  const indexes = def.globalSecondaryIndexes;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: def.partitionKey.name, AttributeType: def.partitionKey.type },
        { AttributeName: def.sortKey.name, AttributeType: def.sortKey.type },
        ...indexes.flatMap((i) => [
          { AttributeName: i.partitionKey.name, AttributeType: i.partitionKey.type },
          { AttributeName: i.sortKey.name, AttributeType: i.sortKey.type },
        ]),
      ],
      KeySchema: [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ],
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map((i) => ({
              IndexName: i.name,
              KeySchema: [
                { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
                { AttributeName: i.sortKey.name, KeyType: 'RANGE' as const },
              ],
              Projection: { ProjectionType: i.projection },
            })),
          }
        : {}),
    }),
  );
  return name;
}
