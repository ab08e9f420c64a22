/**
 * The window-aggregates table, built from its definition in `infra/resources.ts` (keys, TTL
 * attribute and every global secondary index), so that the local stack and AWS cannot drift.
 */

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES } from '../resources.ts';
import { InfraPropsError } from './errors.ts';

/** A key attribute as `infra/resources.ts` writes it. */
export interface KeyDefinition {
  readonly name: string;
  readonly type: keyof typeof ATTRIBUTE_TYPES;
}

/** A global secondary index as `infra/resources.ts` writes it. */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  /** @default 'ALL' */
  readonly projection?: keyof typeof PROJECTIONS;
  /** Attributes projected besides the keys, for `projection: 'INCLUDE'`. */
  readonly nonKeyAttributes?: readonly string[];
}

/**
 * A table as `infra/resources.ts` writes it. `TABLES.aggregates` is checked against this type, so
 * a new field there that this construct cannot deploy fails the type check rather than being
 * silently left out.
 */
export interface TableDefinition {
  readonly name: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  readonly ttlAttribute?: string;
  readonly globalSecondaryIndexes?: readonly IndexDefinition[];
}

const ATTRIBUTE_TYPES = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
} as const;
const PROJECTIONS = {
  ALL: ProjectionType.ALL,
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
} as const;

/** Props of {@link AggregatesTable}. */
export interface AggregatesTableProps {
  readonly tableName: string;
  /** @default TABLES.aggregates */
  readonly definition?: TableDefinition;
  /** The table holds the pipeline's results: kept when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** On-demand table with point-in-time recovery, TTL and the defined indexes. */
export class AggregatesTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: AggregatesTableProps) {
    super(scope, id);
    const definition: TableDefinition = props.definition ?? TABLES.aggregates;
    // Window items arrive in bursts that follow the producers: on-demand absorbs them without a
    // capacity plan, and throttles only per partition (1,000 WCU/s), which the key design spreads.
    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: key(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: key(definition.sortKey) } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const seen = new Set<string>();
    for (const index of definition.globalSecondaryIndexes ?? []) {
      if (seen.has(index.name)) {
        throw new InfraPropsError({
          where: 'AggregatesTable',
          setting: 'globalSecondaryIndexes[].name',
          expected: 'unique index names',
          received: index.name,
        });
      }
      seen.add(index.name);
      const projection = index.projection ?? 'ALL';
      if ((projection === 'INCLUDE') !== (index.nonKeyAttributes !== undefined)) {
        throw new InfraPropsError(
          {
            where: 'AggregatesTable',
            setting: `globalSecondaryIndexes ${index.name}: nonKeyAttributes`,
            expected: "given exactly when projection is 'INCLUDE'",
            received: index.nonKeyAttributes,
          },
          `projection is '${projection}'`,
        );
      }
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
        projectionType: PROJECTIONS[projection],
        ...(index.nonKeyAttributes ? { nonKeyAttributes: [...index.nonKeyAttributes] } : {}),
      });
    }
  }
}

function key(k: KeyDefinition): { name: string; type: AttributeType } {
  return { name: k.name, type: ATTRIBUTE_TYPES[k.type] };
}
