/**
 * The ingest handler's configuration: one readonly options object, units in the names, every
 * default set once in {@link resolveIngestConfig}. Only {@link ingestConfigFromEnv} reads
 * environment variables.
 */

import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../infra/aws-clients.ts';
import { type Env, intEnv, optionalEnv, requireEnv } from '../infra/env.ts';
import { ConfigError } from '../infra/errors.ts';
import { API_GATEWAY, KINESIS } from '../infra/limits.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Options of the ingest handler. Only `streamName`, `apiKeys` and `kinesis` are required. */
export interface IngestConfig {
  /** Kinesis stream to write to. */
  readonly streamName: string;
  /** API keys accepted in the `x-api-key` header. At least one. */
  readonly apiKeys: readonly string[];
  /** Kinesis client (`kinesisClient(env)`); the handler makes one attempt per call and retries itself. */
  readonly kinesis: KinesisClient;
  /**
   * Largest request body, in bytes after base64 decoding. Lambda's 6 MB synchronous payload
   * limit decides it, not API Gateway's 10 MB: the body travels inside a JSON event, as an
   * escaped string or as base64 (4/3 larger), so 4 MiB is the largest body that still fits at
   * its base64 size (5.6 MB) with headroom for headers and JSON escaping.
   * @default 4 MiB (4,194,304)
   */
  readonly maxBodyBytes?: number;
  /** Most records in one request; bounds memory and the response size. @default 50_000 */
  readonly maxRecordsPerRequest?: number;
  /** How far in the future a `timestamp` may be. @default 300_000 (5 minutes) */
  readonly maxFutureSkewMillis?: number;
  /** @default 128 */
  readonly maxEventIdLength?: number;
  /** Longest `source`; leaves room in the 256-character partition key for a `#k` sub-key. @default 200 */
  readonly maxSourceLength?: number;
  /** @default 256 */
  readonly maxMetricLength?: number;
  /** Most entries in `attributes`. @default 64 */
  readonly maxAttributes?: number;
  /** @default 128 */
  readonly maxAttributeKeyLength?: number;
  /** Longest attribute value; the 1 MiB record limit bounds the whole record. @default 65_536 */
  readonly maxAttributeValueLength?: number;
  /** Longest `unit` (schema v2). @default 64 */
  readonly maxUnitLength?: number;
  /** Pack user records into KPL aggregated records. @default true */
  readonly aggregation?: boolean;
  /** Largest aggregated Kinesis record, data plus partition key. @default 64 KiB (65,536) */
  readonly maxAggregatedRecordBytes?: number;
  /**
   * Sub-keys a hot source is spread over (`source#0` .. `source#n-1`); 1 disables spreading.
   * Off by default: whether a source is hot is decided per request and per Lambda instance, so a
   * producer's resend can get another key than its original, land in another window part (and
   * perhaps shard), and escape the processor's event-id de-duplication. Turn it on for sources
   * that outgrow one shard (1,000 records/s), accepting that such resends may count twice.
   * @default 1
   */
  readonly hotKeySubKeys?: number;
  /** Within a request, a source is hot above this many times its fair share (records / sources). @default 8 */
  readonly hotKeyRequestShareFactor?: number;
  /** ...and above this many records in the request. @default 2_000 */
  readonly hotKeyMinRecordsPerRequest?: number;
  /** Over the recent interval, a source is hot above this rate. @default 5_000 */
  readonly hotKeyRecordsPerSecond?: number;
  /** Length of the recent interval. @default 10_000 */
  readonly hotKeyIntervalMillis?: number;
  /** Most sources tracked over the interval (bounds memory). @default 10_000 */
  readonly hotKeyMaxTrackedSources?: number;
  /** PutRecords attempts per entry, the first included. @default 6 */
  readonly maxPutAttempts?: number;
  /** Backoff base: attempt n sleeps a random time in [0, min(max, base * 2^n)). @default 50 */
  readonly baseBackoffMillis?: number;
  /** @default 2_000 */
  readonly maxBackoffMillis?: number;
  /** Stop retrying this long before the Lambda timeout, to answer in time. @default 1_000 */
  readonly deadlineSafetyMillis?: number;
  /** Write deadline when the context has no `getRemainingTimeInMillis`. @default 10_000 */
  readonly defaultWriteBudgetMillis?: number;
  /** PutRecords calls in flight per request. @default 4 */
  readonly maxConcurrentPutRecords?: number;
  /** Re-read the shard map (ListShards) at least this often; sooner when a put lands elsewhere. @default 60_000 */
  readonly shardMapTtlMillis?: number;
  /** Records per second per API key (token bucket, per handler instance); 0 disables. @default 0 */
  readonly rateLimitRecordsPerSecond?: number;
  /** Bucket size. @default 2 × rateLimitRecordsPerSecond */
  readonly rateLimitBurstRecords?: number;
  /** Clock, epoch millis. @default Date.now */
  readonly now?: () => number;
  /** Random source in [0, 1) for backoff jitter. @default Math.random */
  readonly random?: () => number;
}

/** {@link IngestConfig} with every default applied. */
export type ResolvedIngestConfig = Required<IngestConfig>;

/** Applies the defaults and checks the combination; throws {@link ConfigError} naming the setting. */
export function resolveIngestConfig(config: IngestConfig): ResolvedIngestConfig {
  const rate = config.rateLimitRecordsPerSecond ?? 0;
  const resolved: ResolvedIngestConfig = {
    streamName: config.streamName,
    apiKeys: config.apiKeys,
    kinesis: config.kinesis,
    maxBodyBytes: config.maxBodyBytes ?? 4 * MiB,
    maxRecordsPerRequest: config.maxRecordsPerRequest ?? 50_000,
    maxFutureSkewMillis: config.maxFutureSkewMillis ?? 300_000,
    maxEventIdLength: config.maxEventIdLength ?? 128,
    maxSourceLength: config.maxSourceLength ?? 200,
    maxMetricLength: config.maxMetricLength ?? 256,
    maxAttributes: config.maxAttributes ?? 64,
    maxAttributeKeyLength: config.maxAttributeKeyLength ?? 128,
    maxAttributeValueLength: config.maxAttributeValueLength ?? 65_536,
    maxUnitLength: config.maxUnitLength ?? 64,
    aggregation: config.aggregation ?? true,
    maxAggregatedRecordBytes: config.maxAggregatedRecordBytes ?? 64 * KiB,
    hotKeySubKeys: config.hotKeySubKeys ?? 1,
    hotKeyRequestShareFactor: config.hotKeyRequestShareFactor ?? 8,
    hotKeyMinRecordsPerRequest: config.hotKeyMinRecordsPerRequest ?? 2_000,
    hotKeyRecordsPerSecond: config.hotKeyRecordsPerSecond ?? 5_000,
    hotKeyIntervalMillis: config.hotKeyIntervalMillis ?? 10_000,
    hotKeyMaxTrackedSources: config.hotKeyMaxTrackedSources ?? 10_000,
    maxPutAttempts: config.maxPutAttempts ?? 6,
    baseBackoffMillis: config.baseBackoffMillis ?? 50,
    maxBackoffMillis: config.maxBackoffMillis ?? 2_000,
    deadlineSafetyMillis: config.deadlineSafetyMillis ?? 1_000,
    defaultWriteBudgetMillis: config.defaultWriteBudgetMillis ?? 10_000,
    maxConcurrentPutRecords: config.maxConcurrentPutRecords ?? 4,
    shardMapTtlMillis: config.shardMapTtlMillis ?? 60_000,
    rateLimitRecordsPerSecond: rate,
    rateLimitBurstRecords: config.rateLimitBurstRecords ?? 2 * rate,
    now: config.now ?? Date.now,
    random: config.random ?? Math.random,
  };
  check(
    resolved.streamName.length > 0,
    'streamName',
    'a non-empty stream name',
    resolved.streamName,
  );
  check(
    resolved.apiKeys.length > 0 && resolved.apiKeys.every((k) => k.length > 0),
    'apiKeys',
    'at least one non-empty key',
    `${resolved.apiKeys.length} keys`,
  );
  check(
    resolved.maxBodyBytes > 0 && resolved.maxBodyBytes <= API_GATEWAY.maxPayloadBytes,
    'maxBodyBytes',
    `1..${API_GATEWAY.maxPayloadBytes}`,
    resolved.maxBodyBytes,
  );
  check(
    resolved.maxAggregatedRecordBytes >= 64 &&
      resolved.maxAggregatedRecordBytes <= KINESIS.maxRecordBytes,
    'maxAggregatedRecordBytes',
    `64..${KINESIS.maxRecordBytes} (the Kinesis record limit)`,
    resolved.maxAggregatedRecordBytes,
  );
  check(
    resolved.hotKeySubKeys >= 1 && resolved.hotKeySubKeys <= 1000,
    'hotKeySubKeys',
    '1..1000',
    resolved.hotKeySubKeys,
  );
  // `source#k` must stay a valid partition key.
  const suffix = resolved.hotKeySubKeys > 1 ? 1 + String(resolved.hotKeySubKeys - 1).length : 0;
  check(
    resolved.maxSourceLength >= 1 &&
      resolved.maxSourceLength + suffix <= KINESIS.maxPartitionKeyLength,
    'maxSourceLength',
    `1..${KINESIS.maxPartitionKeyLength - suffix} with ${resolved.hotKeySubKeys} sub-keys`,
    resolved.maxSourceLength,
  );
  check(resolved.maxPutAttempts >= 1, 'maxPutAttempts', 'at least 1', resolved.maxPutAttempts);
  check(
    resolved.maxConcurrentPutRecords >= 1,
    'maxConcurrentPutRecords',
    'at least 1',
    resolved.maxConcurrentPutRecords,
  );
  check(
    resolved.rateLimitRecordsPerSecond >= 0,
    'rateLimitRecordsPerSecond',
    '0 (off) or more',
    resolved.rateLimitRecordsPerSecond,
  );
  return resolved;
}

function check(ok: boolean, name: string, expected: string, received: unknown): void {
  if (!ok)
    throw new ConfigError(`ingest setting ${name} must be ${expected}, got ${String(received)}`, {
      name,
    });
}

/**
 * Reads the ingest configuration from an environment object: `STREAM_NAME` and
 * `INGEST_API_KEYS` (comma-separated) are required; `INGEST_MAX_BODY_BYTES`,
 * `INGEST_MAX_FUTURE_SKEW_MILLIS`, `INGEST_AGGREGATION` (`on`/`off`),
 * `INGEST_MAX_AGGREGATED_RECORD_BYTES`, `INGEST_HOT_KEY_SUB_KEYS`, `INGEST_MAX_PUT_ATTEMPTS`,
 * `INGEST_RATE_LIMIT_RECORDS_PER_SECOND` and `INGEST_RATE_LIMIT_BURST_RECORDS` are optional.
 *
 * @example
 * ```ts
 * const handler = createIngestHandler(ingestConfigFromEnv({ STREAM_NAME: 's', INGEST_API_KEYS: 'k1,k2', ...endpoints }));
 * ```
 */
export function ingestConfigFromEnv(env: Env): IngestConfig {
  const apiKeys = requireEnv('INGEST_API_KEYS', env)
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  const aggregation = optionalEnv('INGEST_AGGREGATION', 'on', env);
  if (aggregation !== 'on' && aggregation !== 'off') {
    throw new ConfigError(
      `INGEST_AGGREGATION must be "on" or "off", got ${JSON.stringify(aggregation)}`,
      {
        name: 'INGEST_AGGREGATION',
      },
    );
  }
  const rate = intEnv('INGEST_RATE_LIMIT_RECORDS_PER_SECOND', 0, { min: 0 }, env);
  const config: IngestConfig = {
    streamName: requireEnv('STREAM_NAME', env),
    apiKeys,
    kinesis: kinesisClient(env),
    maxBodyBytes: intEnv(
      'INGEST_MAX_BODY_BYTES',
      4 * MiB,
      { min: 1, max: API_GATEWAY.maxPayloadBytes },
      env,
    ),
    maxFutureSkewMillis: intEnv('INGEST_MAX_FUTURE_SKEW_MILLIS', 300_000, { min: 0 }, env),
    aggregation: aggregation === 'on',
    maxAggregatedRecordBytes: intEnv(
      'INGEST_MAX_AGGREGATED_RECORD_BYTES',
      64 * KiB,
      { min: 64, max: KINESIS.maxRecordBytes },
      env,
    ),
    hotKeySubKeys: intEnv('INGEST_HOT_KEY_SUB_KEYS', 1, { min: 1, max: 1000 }, env),
    maxPutAttempts: intEnv('INGEST_MAX_PUT_ATTEMPTS', 6, { min: 1, max: 100 }, env),
    rateLimitRecordsPerSecond: rate,
    rateLimitBurstRecords: intEnv('INGEST_RATE_LIMIT_BURST_RECORDS', 2 * rate, { min: 0 }, env),
  };
  if (apiKeys.length === 0) {
    throw new ConfigError('INGEST_API_KEYS must hold at least one non-empty key', {
      name: 'INGEST_API_KEYS',
    });
  }
  return config;
}
