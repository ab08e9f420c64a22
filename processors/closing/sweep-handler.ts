/**
 * The scheduled sweep: closes windows that no record will ever close, and finishes what a crash
 * interrupted. On AWS an EventBridge schedule invokes it (every minute, say); the local stack
 * runs the same handler on a timer.
 *
 * The idle rule: a shard that has processed no record for `idleTimeoutMillis` of wall-clock time
 * (its `lastActivityAt`) has its watermark taken as wall clock - `allowedLatenessMillis`, so its
 * windows close once their end is that far in the past, exactly as if events had kept arriving
 * on time. A record that later arrives for such a window is late ('window-closed'), and is
 * reported, not lost. Shards that keep receiving records close their windows by their own
 * watermark and are left alone, however far behind wall clock their event time is (a replay).
 *
 * It also finishes windows whose parts a crash left in CLOSING, and re-emits windows whose
 * emission a crash or a failing sink left unconfirmed, both once they are `idleTimeoutMillis` old.
 */

import type { Context, ScheduledEvent } from 'aws-lambda';
import {
  type ProcessorConfig,
  processorConfigFromEnv,
  resolveProcessorConfig,
} from '../kinesis/config.ts';
import {
  closeDueParts,
  closingFor,
  emitPendingWindows,
  finishStrandedParts,
} from './close-windows.ts';
import { readShardStates } from './stream-watermark.ts';

/** What one sweep did. */
export interface SweepResult {
  readonly idleShards: number;
  readonly partsClosed: number;
  readonly windowsEmitted: number;
  readonly windowsReEmitted: number;
}

/** The sweep's Lambda handler type (the event is the schedule's and is not read). */
export type SweepHandler = (event?: ScheduledEvent, context?: Context) => Promise<SweepResult>;

/** Builds the sweep from the processor's configuration (same table, windows, sinks, clock). */
export function createSweepHandler(config: ProcessorConfig): SweepHandler {
  const resolved = resolveProcessorConfig(config);
  const closing = closingFor(resolved);
  return async () => {
    const nowMillis = resolved.clock();
    const options = closing.at(nowMillis);
    let idleShards = 0;
    let partsClosed = 0;
    let windowsEmitted = 0;
    for (const shard of await readShardStates(closing.store)) {
      if (nowMillis - shard.lastActivityAtMillis < resolved.idleTimeoutMillis) continue;
      idleShards++;
      const outcome = await closeDueParts(
        options,
        shard.shardId,
        nowMillis - resolved.allowedLatenessMillis,
      );
      partsClosed += outcome.partsClosed;
      windowsEmitted += outcome.windowsEmitted;
    }
    const stranded = nowMillis - resolved.idleTimeoutMillis;
    windowsEmitted += await finishStrandedParts(options, stranded);
    const windowsReEmitted = await emitPendingWindows(options, stranded);
    return { idleShards, partsClosed, windowsEmitted, windowsReEmitted };
  };
}

let lazy: SweepHandler | undefined;

/** The Lambda entry point of the schedule: built once per container from `process.env`. */
export const sweepHandler: SweepHandler = (event, context) => {
  lazy ??= createSweepHandler(processorConfigFromEnv(process.env));
  return lazy(event, context);
};
