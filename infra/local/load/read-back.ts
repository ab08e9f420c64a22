/**
 * Reads the windows of a run back from DynamoDB through the processor's own query path, so the
 * summary's `aggregated` is what a user of `GET /v1/aggregates` would see, parts merged.
 */

import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { queryWindows, type WindowView } from '../../../processors/query/query-windows.ts';
import { dynamoDbClient, sqsClient } from '../../aws-clients.ts';
import { type Env, requireEnv } from '../../env.ts';

/** Which windows to read. */
export interface ReadBackQuery {
  readonly sourceNames: readonly string[];
  readonly metrics: readonly string[];
  /** @default 60_000 (the foundation's one-minute tumbling windows) */
  readonly windowSizeMillis?: number;
  readonly fromMillis: number;
  readonly toMillis: number;
}

/** Every window of the given sources and metrics in the range, merged across parts. */
export async function readWindows(env: Env, query: ReadBackQuery): Promise<WindowView[]> {
  const client = dynamoDbClient(env);
  const tableName = requireEnv('TABLE_NAME', env);
  try {
    const series = query.sourceNames.flatMap((source) =>
      query.metrics.map((metric) => ({ source, metric })),
    );
    const windows: WindowView[] = [];
    // A few series at a time: dynalite serves one process, and this keeps it responsive.
    for (let i = 0; i < series.length; i += 16) {
      const pages = await Promise.all(
        series.slice(i, i + 16).map(({ source, metric }) =>
          queryWindows(
            client,
            tableName,
            {
              source,
              metric,
              windowSizeMillis: query.windowSizeMillis ?? 60_000,
              fromMillis: query.fromMillis,
              toMillis: query.toMillis,
            },
            { consistentRead: true },
          ),
        ),
      );
      for (const page of pages) windows.push(...page);
    }
    return windows;
  } finally {
    client.destroy();
  }
}

/** The number of events the windows hold: the sum of their counts. */
export async function countAggregated(env: Env, query: ReadBackQuery): Promise<number> {
  const windows = await readWindows(env, query);
  return windows.reduce((total, w) => total + w.count, 0);
}

/** Messages in a queue, visible and in flight (SQS's approximate counts, exact locally). */
export async function queueDepth(env: Env, queueUrl: string): Promise<number> {
  const client = sqsClient(env);
  try {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  } finally {
    client.destroy();
  }
}
