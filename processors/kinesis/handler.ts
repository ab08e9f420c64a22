/**
 * The processor Lambda: Kinesis batch in, window parts in DynamoDB out, partial failures back to
 * the event source mapping so that only what failed is retried.
 *
 * A thin adapter over the pure core: decode (`decode-records.ts`), plan (`engine/batch-plan.ts`),
 * filter-then-merge against the store (`apply-parts.ts`), side outputs through the sinks.
 *
 * @example
 * ```ts
 * // Lambda entry point (built once per container, from process.env):
 * export { handler } from './processors/kinesis/handler.ts';
 * // Local stack, with its own environment object:
 * const process = createProcessorHandler(processorConfigFromEnv(stackEnv));
 * ```
 */

import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { closeDueParts, closingFor } from '../closing/close-windows.ts';
import { planBatch } from '../engine/batch-plan.ts';
import { PartTooLargeError } from '../store/item-size.ts';
import { applyPlans } from './apply-parts.ts';
import { type ProcessorConfig, processorConfigFromEnv, resolveProcessorConfig } from './config.ts';
import { decodeBatch } from './decode-records.ts';
import { lateReportOf } from './late-reports.ts';
import { oversizedPartPoison } from './oversized-parts.ts';
import { loadShardTimes, recordShardProgress } from './shard-progress.ts';

export { type ProcessorConfig, processorConfigFromEnv } from './config.ts';

/** The processor's Lambda handler type. */
export type ProcessorHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse>;

/** Builds a processor handler from its configuration (validated now, not on the first batch). */
export function createProcessorHandler(config: ProcessorConfig): ProcessorHandler {
  const resolved = resolveProcessorConfig(config);
  const closing = closingFor(resolved);
  const { store } = closing;
  return async (event) => {
    const nowMillis = resolved.clock();
    const batch = decodeBatch(event.Records, resolved.orderingUnit);
    const failed = new Set<string>();

    const poisonFailures =
      batch.poison.length > 0 ? await resolved.poisonSink.sendPoison(batch.poison) : [];
    for (const p of poisonFailures) failed.add(p.sequenceNumber);

    const shardTimes = await loadShardTimes(store, batch.events, resolved.allowedLatenessMillis);
    const plans = planBatch(batch.events, resolved.windows);
    const results = await applyPlans(plans, (plan) => shardTimes.timeOf(plan.key.shardId), {
      store,
      relativeAccuracy: resolved.sketchRelativeAccuracy,
      dedupHorizonEvents: resolved.dedupHorizonEvents,
      maxConcurrentWrites: resolved.maxConcurrentWrites,
      maxConditionRetries: resolved.maxConditionRetries,
      nowMillis,
    });

    const late = [];
    const oversized = [];
    for (const result of results) {
      if (result.status === 'failed' && result.error instanceof PartTooLargeError) {
        // Never writable: to the dead-letter queue, not back to the event source mapping.
        logPartFailure(result.plan.key, result.error);
        oversized.push(...oversizedPartPoison(result.plan, result.error));
        continue;
      }
      if (result.status === 'failed') {
        logPartFailure(result.plan.key, result.error);
        const { columns, indices } = result.plan;
        for (const i of indices) failed.add(columns.contextOf(i).sequenceNumber);
        continue;
      }
      for (const l of result.late)
        late.push(lateReportOf(l, result.plan, shardTimes.timeOf(result.plan.key.shardId)));
    }
    if (oversized.length > 0) {
      for (const p of await resolved.poisonSink.sendPoison(oversized)) failed.add(p.sequenceNumber);
    }
    if (late.length > 0) {
      for (const r of await resolved.lateEventSink.sendLate(late)) failed.add(r.sequenceNumber);
    }

    const settled = await recordShardProgress(store, batch, failed, nowMillis);
    for (const [shardId, settledMax] of settled) {
      const max = Math.max(settledMax, shardTimes.timeOf(shardId).maxEventTimeMillis);
      await closeDueParts(
        closing.at(nowMillis),
        shardId,
        max - resolved.allowedLatenessMillis,
      ).catch((error: unknown) =>
        // Closing is retried by the next batch and the sweep; it never fails this batch.
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'closing windows failed',
            shardId,
            error: String(error),
          }),
        ),
      );
    }
    return {
      batchItemFailures: batch.sequenceNumbers
        .filter((s) => failed.has(s))
        .map((itemIdentifier) => ({ itemIdentifier })),
    };
  };
}

function logPartFailure(key: object, error: unknown): void {
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'window part write failed; its records are reported for retry',
      part: key,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}

let lazy: ProcessorHandler | undefined;

/** The Lambda entry point: built once per container, lazily, from `process.env`. */
export const handler: ProcessorHandler = (event, context) => {
  lazy ??= createProcessorHandler(processorConfigFromEnv(process.env));
  return lazy(event, context);
};
