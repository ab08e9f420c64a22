/**
 * The processor's configuration: a readonly options object with units in the names, defaults set
 * once in {@link resolveProcessorConfig}, and {@link processorConfigFromEnv}, the only place
 * that reads environment variables (the local stack passes its own object, so several stacks
 * can share one process).
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient, firehoseClient, sqsClient } from '../../infra/aws-clients.ts';
import { type Env, intEnv, optionalEnv, requireEnv } from '../../infra/env.ts';
import { ConfigError } from '../../infra/errors.ts';
import { DEFAULT_RELATIVE_ACCURACY } from '../aggregates/sketch.ts';
import { FirehoseWindowArchive } from '../sinks/firehose-archive.ts';
import { SqsLateEventSink, SqsPoisonSink } from '../sinks/sqs-sinks.ts';
import type { LateEventSink, PoisonSink, WindowSink } from '../sinks/types.ts';
import { type WindowSpec, windowSpecProblem } from '../windows/window.ts';
import type { OrderingUnit } from './decode-records.ts';

/** Options of the stream processor. */
export interface ProcessorConfig {
  /** The aggregates table (`TABLES.aggregates`). */
  readonly tableName: string;
  readonly dynamoDb: DynamoDBClient;
  /** Window specs, at most one per size. @default one 1-minute tumbling window */
  readonly windows?: readonly WindowSpec[];
  /** How far event time may run behind the shard's largest before an event is late. @default 5_000 */
  readonly allowedLatenessMillis?: number;
  /** A shard that processed nothing for this long no longer holds its windows open (sweep). @default 60_000 */
  readonly idleTimeoutMillis?: number;
  /**
   * Event ids remembered per part for producer-duplicate detection. Covers N / (events per second
   * per part) seconds; a producer resend after a timeout comes ≥ 30 s (up to ~275 s) later, so
   * size it at ≥ 35 s × the busiest part's rate (8 bytes per id in every part item). @default 2_048
   */
  readonly dedupHorizonEvents?: number;
  /** DDSketch relative accuracy of quantiles. @default 0.01 */
  readonly sketchRelativeAccuracy?: number;
  /** How long items live after their window ends (DynamoDB TTL). @default 604_800 (7 days) */
  readonly retentionSeconds?: number;
  /** DynamoDB writes in flight per invocation. @default 16 */
  readonly maxConcurrentWrites?: number;
  /** Re-reads of one part after lost conditions before its records are reported failed. @default 5 */
  readonly maxConditionRetries?: number;
  /**
   * Within what the event source mapping keeps order: `'shard'` only when its parallelization
   * factor is 1 (smaller items). @default 'partition-key'
   */
  readonly orderingUnit?: OrderingUnit;
  /** Dead-letter queue of poison records. @default log them as errors */
  readonly poisonSink?: PoisonSink;
  /** Late-events side output. @default log them as warnings */
  readonly lateEventSink?: LateEventSink;
  /** Receivers of closed windows (archive, anomaly detector). @default none */
  readonly windowSinks?: readonly WindowSink[];
  /** Processing-time clock, epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** {@link ProcessorConfig} with every default applied. */
export type ResolvedProcessorConfig = Required<ProcessorConfig>;

/** Minute windows, the stage-1 default. */
export const DEFAULT_WINDOWS: readonly WindowSpec[] = [{ kind: 'tumbling', sizeMillis: 60_000 }];

/** Applies defaults and validates, failing fast with the value received. */
export function resolveProcessorConfig(config: ProcessorConfig): ResolvedProcessorConfig {
  const windows = config.windows ?? DEFAULT_WINDOWS;
  if (windows.length === 0)
    throw new ConfigError('at least one window spec is required', { name: 'windows' });
  const sizes = new Set<number>();
  for (const spec of windows) {
    const problem = windowSpecProblem(spec);
    if (problem) throw new ConfigError(problem, { name: 'windows' });
    if (sizes.has(spec.sizeMillis)) {
      throw new ConfigError(
        `two window specs have size ${spec.sizeMillis}: keep one per size (a window is identified by size and start)`,
        { name: 'windows' },
      );
    }
    sizes.add(spec.sizeMillis);
  }
  const accuracy = config.sketchRelativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  if (!(accuracy > 0 && accuracy < 1)) {
    throw new ConfigError(`sketchRelativeAccuracy must be in (0, 1), got ${accuracy}`, {
      name: 'sketchRelativeAccuracy',
    });
  }
  return {
    tableName: config.tableName,
    dynamoDb: config.dynamoDb,
    windows,
    allowedLatenessMillis: config.allowedLatenessMillis ?? 5_000,
    idleTimeoutMillis: config.idleTimeoutMillis ?? 60_000,
    dedupHorizonEvents: config.dedupHorizonEvents ?? 2_048,
    sketchRelativeAccuracy: accuracy,
    retentionSeconds: config.retentionSeconds ?? 7 * 24 * 3600,
    maxConcurrentWrites: config.maxConcurrentWrites ?? 16,
    maxConditionRetries: config.maxConditionRetries ?? 5,
    orderingUnit: config.orderingUnit ?? 'partition-key',
    poisonSink: config.poisonSink ?? LOGGING_POISON_SINK,
    lateEventSink: config.lateEventSink ?? LOGGING_LATE_SINK,
    windowSinks: config.windowSinks ?? [],
    clock: config.clock ?? Date.now,
  };
}

const LOGGING_POISON_SINK: PoisonSink = {
  async sendPoison(records) {
    for (const r of records) {
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'poison record (no DLQ configured)',
          reason: r.reason,
          detail: r.message,
          shardId: r.shardId,
          sequenceNumber: r.sequenceNumber,
          subSequenceNumber: r.subSequenceNumber,
        }),
      );
    }
    return [];
  },
};

const LOGGING_LATE_SINK: LateEventSink = {
  async sendLate(reports) {
    for (const r of reports)
      console.warn(
        JSON.stringify({
          level: 'warn',
          msg: 'late event (no late-events queue configured)',
          ...r,
        }),
      );
    return [];
  },
};

/** Parses `10000,60000` (tumbling sizes) and `60000/10000` (hopping size/slide) lists. */
export function parseWindowSpecs(tumbling: string, hopping: string): WindowSpec[] {
  const specs: WindowSpec[] = [];
  for (const part of tumbling
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    specs.push({ kind: 'tumbling', sizeMillis: Number(part) });
  }
  for (const part of hopping
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [size, slide, extra] = part.split('/');
    if (extra !== undefined || slide === undefined) {
      throw new ConfigError(
        `HOPPING_WINDOWS_MILLIS entries are SIZE/SLIDE, got ${JSON.stringify(part)}`,
        { name: 'HOPPING_WINDOWS_MILLIS' },
      );
    }
    specs.push({ kind: 'hopping', sizeMillis: Number(size), slideMillis: Number(slide) });
  }
  return specs;
}

/**
 * The processor's configuration from environment variables: `TABLE_NAME` (required),
 * `WINDOW_SIZES_MILLIS` (tumbling sizes, default `60000`), `HOPPING_WINDOWS_MILLIS`
 * (`SIZE/SLIDE,...`), `ALLOWED_LATENESS_MILLIS`, `IDLE_TIMEOUT_MILLIS`, `DEDUP_HORIZON_EVENTS`,
 * `AGGREGATE_RETENTION_SECONDS`, `DLQ_URL`, `LATE_EVENTS_QUEUE_URL`, `ARCHIVE_DELIVERY_STREAM`;
 * SDK clients come from `infra/aws-clients.ts` with the same `env`.
 */
export function processorConfigFromEnv(env: Env = process.env): ProcessorConfig {
  const windows = parseWindowSpecs(
    optionalEnv('WINDOW_SIZES_MILLIS', '60000', env),
    optionalEnv('HOPPING_WINDOWS_MILLIS', '', env),
  );
  const dlqUrl = env.DLQ_URL;
  const lateUrl = env.LATE_EVENTS_QUEUE_URL;
  const archiveStream = env.ARCHIVE_DELIVERY_STREAM;
  const sqs = dlqUrl || lateUrl ? sqsClient(env) : undefined;
  return {
    tableName: requireEnv('TABLE_NAME', env),
    dynamoDb: dynamoDbClient(env),
    windows,
    allowedLatenessMillis: intEnv('ALLOWED_LATENESS_MILLIS', 5_000, { min: 0 }, env),
    idleTimeoutMillis: intEnv('IDLE_TIMEOUT_MILLIS', 60_000, { min: 0 }, env),
    dedupHorizonEvents: intEnv('DEDUP_HORIZON_EVENTS', 2_048, { min: 0, max: 20_000 }, env),
    retentionSeconds: intEnv('AGGREGATE_RETENTION_SECONDS', 7 * 24 * 3600, { min: 60 }, env),
    // The mapping's parallelization factor decides the ordering unit (see `OrderingUnit`).
    orderingUnit:
      intEnv('PARALLELIZATION_FACTOR', 10, { min: 1, max: 10 }, env) === 1
        ? 'shard'
        : 'partition-key',
    ...(sqs && dlqUrl ? { poisonSink: new SqsPoisonSink(sqs, dlqUrl) } : {}),
    ...(sqs && lateUrl ? { lateEventSink: new SqsLateEventSink(sqs, lateUrl) } : {}),
    ...(archiveStream
      ? { windowSinks: [new FirehoseWindowArchive(firehoseClient(env), archiveStream)] }
      : {}),
  };
}
