/** The summary `npm start` ends with: a table for people, one JSON line for scripts. */

import { type LoadProgress, quantile } from './generator.ts';

/**
 * The run's outcome. `lost` is accepted minus aggregated, read back from DynamoDB. Late and
 * dead-lettered records are not in the windows, so they count as lost by that definition; their
 * queues show where they went (the DLQ count is of messages: one can cover many events).
 */
export interface RunSummary {
  readonly targetRate: number;
  readonly durationSeconds: number;
  readonly sent: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly failed: number;
  readonly aggregated: number;
  readonly lost: number;
  /** Events handed to the producer client per second while the generator ran. */
  readonly sendRate: number;
  /** Whether the send rate came within 5% of the target. */
  readonly rateWithinTarget: boolean;
  /** Accepted events per second, until the last one was acknowledged. */
  readonly acceptedRate: number;
  /** Seconds from the last acknowledgement until DynamoDB held every accepted event. */
  readonly drainSeconds: number;
  /** HTTP requests the producer made (its batches, retries included). */
  readonly requests: number;
  /** Messages in the late-events queue and the processor's dead-letter queue at the end. */
  readonly lateEvents: number;
  readonly deadLettered: number;
  readonly ingestLatencyP50Millis: number;
  readonly ingestLatencyP99Millis: number;
  readonly kinesisPutCalls?: number;
  readonly processorInvocations: number;
}

/** Builds the summary from the load totals and the aggregated count. */
export function summarize(
  progress: LoadProgress,
  context: {
    readonly targetRate: number;
    readonly durationSeconds: number;
    readonly aggregated: number;
    readonly drainSeconds: number;
    readonly processorInvocations: number;
    readonly requests: number;
    readonly lateEvents: number;
    readonly deadLettered: number;
  },
): RunSummary {
  const seconds = progress.elapsedMillis / 1000;
  const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    targetRate: context.targetRate,
    durationSeconds: context.durationSeconds,
    sent: progress.sent,
    accepted: progress.accepted,
    rejected: progress.rejected,
    failed: progress.failed,
    aggregated: context.aggregated,
    lost: progress.accepted - context.aggregated,
    sendRate: round(progress.sent / seconds),
    rateWithinTarget: progress.sent / seconds >= 0.95 * context.targetRate,
    acceptedRate: round(progress.accepted / (progress.completedMillis / 1000)),
    drainSeconds: round(context.drainSeconds, 2),
    requests: context.requests,
    lateEvents: context.lateEvents,
    deadLettered: context.deadLettered,
    ingestLatencyP50Millis: round(quantile(progress.latenciesMillis, 0.5), 2),
    ingestLatencyP99Millis: round(quantile(progress.latenciesMillis, 0.99), 2),
    processorInvocations: context.processorInvocations,
  };
}

/** The summary as an aligned two-column table. */
export function formatSummary(summary: RunSummary): string {
  const rows: [string, string][] = [
    ['events sent', `${summary.sent}`],
    ['accepted', `${summary.accepted}`],
    ['rejected', `${summary.rejected}`],
    ['failed (not written)', `${summary.failed}`],
    ['aggregated (DynamoDB)', `${summary.aggregated}`],
    ['lost', `${summary.lost}`],
    ['late (late-events queue)', `${summary.lateEvents}`],
    ['dead-lettered (DLQ)', `${summary.deadLettered}`],
    ['target rate', `${summary.targetRate} events/s`],
    [
      'achieved send rate',
      `${summary.sendRate} events/s${summary.rateWithinTarget ? '' : ' (more than 5% under target)'}`,
    ],
    ['accepted rate (to last ack)', `${summary.acceptedRate} events/s`],
    ['aggregated after last ack', `${summary.drainSeconds} s`],
    ['ingest HTTP requests', `${summary.requests}`],
    ['ingest latency p50', `${summary.ingestLatencyP50Millis} ms`],
    ['ingest latency p99', `${summary.ingestLatencyP99Millis} ms`],
    ['processor invocations', `${summary.processorInvocations}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

/** Why a run failed, or an empty list: every accepted event aggregated, nothing failed. */
export function runProblems(summary: RunSummary): string[] {
  const problems: string[] = [];
  if (summary.lost !== 0) problems.push(`${summary.lost} accepted events are not in the windows`);
  if (summary.failed > 0)
    problems.push(`${summary.failed} events were not written (the endpoint reported them failed)`);
  if (summary.sent > 0 && summary.accepted === 0) problems.push('no event was accepted');
  return problems;
}
