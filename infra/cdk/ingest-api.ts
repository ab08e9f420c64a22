/**
 * The REST API: `POST /v1/events` to the ingest function and `GET /v1/aggregates` to the query
 * function, both Lambda proxy integrations on one stage with stage-wide throttling. Binary media
 * types come from `API.binaryMediaTypes`, so Avro bodies reach the handler base64-encoded.
 *
 * API keys are checked by the ingest handler itself (`x-api-key` against `INGEST_API_KEYS`), the
 * same code path as the local stack, so the API needs no API Gateway key or usage plan.
 */

import { Stack } from 'aws-cdk-lib';
import { EndpointType, LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_GATEWAY_REST } from '../limits.ts';
import { API } from '../resources.ts';
import type { HandlerEntry } from './handler-entries.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { checkIntInRange } from './validate.ts';

/** The ingest route, as API Gateway names it in metrics and method settings. */
export const INGEST_ROUTE = { path: '/v1/events', method: 'POST' } as const;
/** The query route. */
export const QUERY_ROUTE = { path: '/v1/aggregates', method: 'GET' } as const;

/** Props of {@link IngestApi}. */
export interface IngestApiProps {
  readonly stream: IStream;
  /** A `Table`, not `ITable`: CDK's interface disagrees with `exactOptionalPropertyTypes`. */
  readonly table: Table;
  readonly ingestEntry: HandlerEntry;
  readonly queryEntry: HandlerEntry;
  /** Accepted keys, comma-separated (`INGEST_API_KEYS`); usually a NoEcho `CfnParameter`. */
  readonly apiKeys: string;
  /**
   * Must stay below API Gateway's 29 s integration timeout, which also counts a cold start:
   * the handler stops retrying `PutRecords` a second before its own timeout and still answers.
   * @default 25
   */
  readonly ingestTimeoutSeconds?: number;
  /** Avro encoding and KPL aggregation are CPU-bound; CPU scales with memory. @default 1024 */
  readonly ingestMemoryMb?: number;
  /** @default 10 */
  readonly queryTimeoutSeconds?: number;
  /** @default 512 */
  readonly queryMemoryMb?: number;
  /** Steady requests per second over the stage, at most the account's 10,000. @default 1000 */
  readonly throttlingRateLimit?: number;
  /** Burst over the stage, at most the account's 5,000. @default 2000 */
  readonly throttlingBurstLimit?: number;
  readonly logRetention?: RetentionDays;
}

/** REST API, ingest and query functions. */
export class IngestApi extends Construct {
  readonly api: RestApi;
  readonly ingest: PipelineFunction;
  readonly query: PipelineFunction;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const ingestTimeout = checkIntInRange(
      'IngestApi',
      'ingestTimeoutSeconds',
      props.ingestTimeoutSeconds ?? 25,
      1,
      API_GATEWAY_REST.maxIntegrationTimeoutSeconds,
      'API Gateway gives up after 29 s, so a longer Lambda would answer no one',
    );
    const queryTimeout = checkIntInRange(
      'IngestApi',
      'queryTimeoutSeconds',
      props.queryTimeoutSeconds ?? 10,
      1,
      API_GATEWAY_REST.maxIntegrationTimeoutSeconds,
    );
    const rateLimit = checkIntInRange(
      'IngestApi',
      'throttlingRateLimit',
      props.throttlingRateLimit ?? 1000,
      1,
      API_GATEWAY_REST.accountRateLimitPerSecond,
    );
    const burstLimit = checkIntInRange(
      'IngestApi',
      'throttlingBurstLimit',
      props.throttlingBurstLimit ?? 2000,
      1,
      API_GATEWAY_REST.accountBurstLimit,
    );
    const logs = props.logRetention !== undefined ? { logRetention: props.logRetention } : {};

    this.ingest = new PipelineFunction(this, 'Ingest', {
      entry: props.ingestEntry,
      description: 'POST /v1/events: validate, Avro-encode and aggregate telemetry into Kinesis',
      timeoutSeconds: ingestTimeout,
      memoryMb: props.ingestMemoryMb ?? 1024,
      environment: { STREAM_NAME: props.stream.streamName, INGEST_API_KEYS: props.apiKeys },
      ...logs,
    });
    // PutRecords and ListShards (the handler's shard map), nothing else.
    props.stream.grantWrite(this.ingest.function);

    this.api = new RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'Telemetry ingest and window queries',
      endpointTypes: [EndpointType.REGIONAL],
      binaryMediaTypes: [...API.binaryMediaTypes],
      // Execution logs would need the account-wide API Gateway CloudWatch role; the functions log.
      cloudWatchRole: false,
      deployOptions: {
        stageName: API.stageName,
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
        // Per-method metrics for ingest only: its 5XXError is what the ingest alarm watches.
        methodOptions: {
          [`${INGEST_ROUTE.path}/${INGEST_ROUTE.method}`]: { metricsEnabled: true },
        },
      },
    });
    this.api.root
      .resourceForPath(INGEST_ROUTE.path)
      .addMethod(INGEST_ROUTE.method, new LambdaIntegration(this.ingest.function, { proxy: true }));

    this.query = new PipelineFunction(this, 'Query', {
      entry: props.queryEntry,
      description: 'GET /v1/aggregates: windows of a series, merged over their parts',
      timeoutSeconds: queryTimeout,
      memoryMb: props.queryMemoryMb ?? 512,
      environment: { TABLE_NAME: props.table.tableName },
      ...logs,
    });
    props.table.grantReadData(this.query.function);
    this.api.root
      .resourceForPath(QUERY_ROUTE.path)
      .addMethod(QUERY_ROUTE.method, new LambdaIntegration(this.query.function, { proxy: true }));
  }

  /** URL of a route on the deployed stage. */
  urlOf(route: { readonly path: string }): string {
    return this.api.urlForPath(route.path);
  }
}
