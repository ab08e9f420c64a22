/**
 * Every AWS service limit the pipeline respects, named once.
 *
 * Both the pipeline code and the local stack's emulated endpoints read these, so a batch that the
 * local stack accepts is one AWS accepts too. Each entry cites where the number comes from.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** Kinesis Data Streams: https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html */
export const KINESIS = {
  /** PutRecords: at most 500 entries a call. */
  maxRecordsPerPutRecords: 500,
  /** PutRecords: at most 5 MiB a call, data and partition keys included. */
  maxBytesPerPutRecords: 5 * MiB,
  /** One record's data blob plus partition key: at most 1 MiB. */
  maxRecordBytes: 1 * MiB,
  /** Partition key: 1 to 256 Unicode characters. */
  maxPartitionKeyLength: 256,
  /** GetRecords: at most 10,000 records a call. */
  maxRecordsPerGetRecords: 10_000,
  /** Per shard: 1,000 records/s and 1 MiB/s written. */
  shardWriteRecordsPerSecond: 1_000,
  shardWriteBytesPerSecond: 1 * MiB,
} as const;

/** API Gateway REST API and Lambda payload limits. */
export const API_GATEWAY = {
  /** API Gateway REST payload: 10 MB. https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html */
  maxPayloadBytes: 10 * 1000 * 1000,
  /** Lambda synchronous invocation payload: 6 MB (request and response). https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
  lambdaMaxSyncPayloadBytes: 6 * MiB,
} as const;

/** Lambda event source mapping for Kinesis: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html */
export const LAMBDA_KINESIS_ESM = {
  maxBatchSize: 10_000,
  maxBatchingWindowSeconds: 300,
  maxParallelizationFactor: 10,
  maxRetryAttempts: 10_000,
} as const;

/** DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html */
export const DYNAMODB = {
  maxItemBytes: 400 * KiB,
  maxBatchGetKeys: 100,
  maxBatchWriteItems: 25,
  partitionWriteUnitsPerSecond: 1_000,
} as const;

/** SQS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html */
export const SQS = {
  maxBatchEntries: 10,
  /** Message and whole batch: 256 KiB (262,144 bytes). */
  maxMessageBytes: 256 * KiB,
  maxBatchBytes: 256 * KiB,
  maxMessageAttributes: 10,
  maxReceiveMessages: 10,
  maxWaitTimeSeconds: 20,
  maxVisibilityTimeoutSeconds: 12 * 60 * 60,
  maxDelaySeconds: 900,
} as const;

/** SNS: https://docs.aws.amazon.com/general/latest/gr/sns.html */
export const SNS = {
  maxMessageBytes: 256 * KiB,
  maxPublishBatchEntries: 10,
  maxMessageAttributes: 10,
} as const;

/** EventBridge: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html */
export const EVENTBRIDGE = {
  maxPutEventsEntries: 10,
  /** PutEvents: total entry size at most 256 KB. */
  maxPutEventsBytes: 256 * KiB,
  maxTargetsPerRule: 5,
} as const;

/** Firehose: https://docs.aws.amazon.com/firehose/latest/dev/limits.html */
export const FIREHOSE = {
  maxRecordsPerPutRecordBatch: 500,
  maxBytesPerPutRecordBatch: 4 * MiB,
  /** One record before base64: 1,000 KiB. */
  maxRecordBytes: 1000 * KiB,
} as const;

/**
 * SQS queue attributes and naming: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * and https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html
 */
export const SQS_QUEUES = {
  maxQueueNameLength: 80,
  /** Batch entry ids: alphanumerics, hyphens and underscores, at most 80 characters. */
  maxBatchEntryIdLength: 80,
  minMaximumMessageSizeBytes: 1024,
  minRetentionSeconds: 60,
  maxRetentionSeconds: 14 * 24 * 60 * 60,
  defaultRetentionSeconds: 4 * 24 * 60 * 60,
  defaultVisibilityTimeoutSeconds: 30,
  /** RedrivePolicy.maxReceiveCount. */
  minMaxReceiveCount: 1,
  maxMaxReceiveCount: 1000,
  /** One PurgeQueue per queue every 60 s. */
  purgeIntervalSeconds: 60,
  /** A deleted queue's name can be reused after 60 s. */
  deletedNameReuseSeconds: 60,
  /** Message attribute names and data types: at most 256 characters. */
  maxAttributeNameLength: 256,
  /** ListQueues MaxResults. */
  maxListQueuesResults: 1000,
} as const;

/** SNS topics and subscriptions: https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html and https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html */
export const SNS_TOPICS = {
  maxTopicNameLength: 256,
  /** Filter policy: at most 5 keys (attribute names or body paths). */
  maxFilterPolicyKeys: 5,
  /** Filter policy: at most 150 combinations of values. */
  maxFilterPolicyCombinations: 150,
  /** Filter policy document: at most 256 KB. */
  maxFilterPolicyBytes: 256 * KiB,
  /** ListTopics and ListSubscriptions pages: 100 entries. */
  listPageSize: 100,
  /** HTTP/S delivery: the default healthy retry policy makes 3 retries. */
  defaultHttpRetries: 3,
  /** HTTP/S delivery: an endpoint must answer within 15 s. */
  httpDeliveryTimeoutMillis: 15_000,
} as const;

/** Lambda functions: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
export const LAMBDA = {
  maxTimeoutSeconds: 900,
  minMemoryMb: 128,
  maxMemoryMb: 10_240,
} as const;

/** API Gateway REST API quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html */
export const API_GATEWAY_REST = {
  /** Integration timeout: 50 ms to 29 s by default (Regional APIs can ask for more through a quota increase). */
  maxIntegrationTimeoutSeconds: 29,
  /** Account-level throttling per Region: 10,000 requests/s steady, 5,000 burst. */
  accountRateLimitPerSecond: 10_000,
  accountBurstLimit: 5_000,
} as const;

/** Lambda event source mapping for SQS: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html */
export const LAMBDA_SQS_ESM = {
  defaultBatchSize: 10,
  /** Standard queues: up to 10,000 messages a batch... */
  maxBatchSize: 10_000,
  /** ...but above 10 only with a batching window of at least 1 s. */
  maxBatchSizeWithoutWindow: 10,
  maxBatchingWindowSeconds: 300,
  /** An invocation's payload, the whole event: 6 MB. */
  maxPayloadBytes: 6 * MiB,
  /** The mapping long-polls with the longest wait SQS allows. */
  pollWaitSeconds: 20,
} as const;

/** EventBridge rules and targets: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html and API_PutTargets.html */
export const EVENTBRIDGE_RULES = {
  /** EventPattern: at most 4,096 characters (API model; the default account quota is 2,048). */
  maxEventPatternLength: 4096,
  maxRuleNameLength: 64,
  /** PutTargets: 1 to 10 targets a call. */
  maxTargetsPerPutTargets: 10,
} as const;

/** Firehose S3 destination BufferingHints: https://docs.aws.amazon.com/firehose/latest/APIReference/API_BufferingHints.html */
export const FIREHOSE_S3_BUFFERING = {
  minSizeMiB: 1,
  maxSizeMiB: 128,
  defaultSizeMiB: 5,
  minIntervalSeconds: 0,
  maxIntervalSeconds: 900,
  defaultIntervalSeconds: 300,
} as const;
