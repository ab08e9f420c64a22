/**
 * Creates the streams and tables of `infra/resources.ts` on the local emulators, the way the CDK
 * app creates them on AWS. Idempotent: a resource that exists (a persisted `--data-dir`) is kept.
 */

import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  type KinesisClient,
  ResourceInUseException as StreamInUseException,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { STREAMS, TABLES } from '../resources.ts';

/** Creates every stream in {@link STREAMS} and waits until each is ACTIVE. */
export async function provisionStreams(kinesis: KinesisClient): Promise<void> {
  for (const stream of Object.values(STREAMS)) {
    try {
      await kinesis.send(
        new CreateStreamCommand({ StreamName: stream.name, ShardCount: stream.shardCount }),
      );
    } catch (error) {
      if (!(error instanceof StreamInUseException)) throw error;
    }
    await waitUntilStreamExists(
      { client: kinesis, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 },
      { StreamName: stream.name },
    );
  }
}

/** A key attribute of a table or index definition. */
interface KeyDefinition {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

/** The shape of a table in {@link TABLES}: keys, optional global secondary indexes, TTL. */
export interface TableDefinition {
  readonly name: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey: KeyDefinition;
  readonly ttlAttribute: string;
  readonly globalSecondaryIndexes?: readonly {
    readonly name: string;
    readonly partitionKey: KeyDefinition;
    readonly sortKey: KeyDefinition;
    readonly projection: 'ALL' | 'KEYS_ONLY';
  }[];
}

/** The CreateTable request of a table definition (on-demand billing), optionally renamed. */
export function createTableInput(
  table: TableDefinition,
  tableName = table.name,
): CreateTableCommandInput {
  const indexes = table.globalSecondaryIndexes ?? [];
  const attributes = new Map<string, KeyDefinition['type']>();
  for (const key of [
    table.partitionKey,
    table.sortKey,
    ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]) {
    attributes.set(key.name, key.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: table.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: index.projection },
          })),
        }
      : {}),
  };
}

/** Creates every table in {@link TABLES} (on-demand, with TTL) and waits until each is ACTIVE. */
export async function provisionTables(dynamo: DynamoDBClient): Promise<void> {
  for (const table of Object.values(TABLES) as TableDefinition[]) {
    try {
      await dynamo.send(new CreateTableCommand(createTableInput(table)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists(
      { client: dynamo, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 },
      { TableName: table.name },
    );
    await enableTtl(dynamo, table.name, table.ttlAttribute);
  }
}

/**
 * dynalite does not implement UpdateTimeToLive (it answers UnknownOperationException) and never
 * expires items; on AWS the CDK app sets TTL. The local stack tries, and tolerates the gap.
 */
async function enableTtl(dynamo: DynamoDBClient, tableName: string, attribute: string) {
  try {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'UnknownOperationException' && name !== 'ValidationException') throw error;
  }
}
