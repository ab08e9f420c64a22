/**
 * Creates the streams and tables of `infra/resources.ts` on the local emulators, the way the CDK
 * app creates them on AWS. Idempotent: a resource that exists (a persisted `--data-dir`) is kept.
 */

import {
  CreateTableCommand,
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

/** Creates every table in {@link TABLES} (on-demand, with TTL) and waits until each is ACTIVE. */
export async function provisionTables(dynamo: DynamoDBClient): Promise<void> {
  for (const table of Object.values(TABLES)) {
    try {
      await dynamo.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: table.partitionKey.name, AttributeType: table.partitionKey.type },
            { AttributeName: table.sortKey.name, AttributeType: table.sortKey.type },
          ],
          KeySchema: [
            { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: table.sortKey.name, KeyType: 'RANGE' },
          ],
        }),
      );
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
