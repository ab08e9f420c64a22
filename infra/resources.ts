/**
 * One definition of every named resource: the local stack creates these, and the CDK app deploys
 * the same names, shard counts and key schemas. Handlers learn the concrete names through
 * environment variables (see `infra/env.ts`), never from this file, so they cannot tell which of
 * the two places they run in.
 */

/** Kinesis streams. */
export const STREAMS = {
  telemetry: {
    name: 'telemetry-events',
    /** 4 shards: 4,000 records/s and 4 MiB/s of Kinesis records on AWS; KPL aggregation multiplies the user-record rate. */
    shardCount: 4,
    retentionHours: 24,
  },
} as const;

/** DynamoDB tables, single-table design: `pk` and `sk` are strings. */
export const TABLES = {
  aggregates: {
    name: 'telemetry-aggregates',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    /** Epoch seconds after which DynamoDB TTL may delete an item. */
    ttlAttribute: 'expiresAt',
    /**
     * Sparse index of open window parts (processor): `openShard` = `OPEN#<shardId>`, `openUntil`
     * = the window end in sortable form. Closing a part removes both, so the index holds only
     * what is still open. KEYS_ONLY: updates of open parts that keep these keys cost no index write.
     */
    globalSecondaryIndexes: [
      {
        name: 'open-parts',
        partitionKey: { name: 'openShard', type: 'S' },
        sortKey: { name: 'openUntil', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
  },
} as const;

/** SQS queues (local stack: served by `infra/local/services/sqs`). */
export const QUEUES = {
  /** On-failure destination of the processor's Kinesis event source mapping, and poison records. */
  processorDlq: { name: 'telemetry-processor-dlq' },
  /** Records later than the allowed lateness, with the reason. */
  lateEvents: { name: 'telemetry-late-events' },
  /** Remediation work items routed from anomalies. */
  remediation: { name: 'anomaly-remediation', maxReceiveCount: 5 },
  remediationDlq: { name: 'anomaly-remediation-dlq' },
} as const;

/** SNS topics. */
export const TOPICS = {
  alerts: { name: 'anomaly-alerts' },
} as const;

/** EventBridge buses. */
export const BUSES = {
  anomalies: { name: 'telemetry-anomalies' },
} as const;

/** Firehose delivery streams. */
export const DELIVERY_STREAMS = {
  windowArchive: { name: 'window-archive' },
} as const;

/** The Kinesis event source mapping of the processor: the same settings locally and in CDK. */
export const PROCESSOR_ESM = {
  batchSize: 1_000,
  maxBatchingWindowSeconds: 1,
  parallelizationFactor: 1,
  /** Attempts after the first before the batch goes to the on-failure destination. */
  retryAttempts: 5,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
  startingPosition: 'TRIM_HORIZON',
} as const;

/** The REST API in front of the ingest and query handlers. */
export const API = {
  stageName: 'prod',
  /**
   * Content types API Gateway passes to Lambda base64-encoded (`isBase64Encoded: true`) instead
   * of as UTF-8 text: the binary Avro framing of the ingest endpoint.
   */
  binaryMediaTypes: ['application/octet-stream', 'application/vnd.apache.avro', 'avro/binary'],
} as const;
