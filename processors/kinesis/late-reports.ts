/** Late events as the messages of the late-events side output. */

import type { LateEvent, ShardTime } from '../engine/absorb.ts';
import type { PartPlan } from '../engine/batch-plan.ts';
import type { LateEventReport } from '../sinks/types.ts';

/** The report of one late event for one window. */
export function lateReportOf(late: LateEvent, plan: PartPlan, time: ShardTime): LateEventReport {
  const { key, columns } = plan;
  const event = columns.event(late.index);
  const context = columns.contextOf(late.index);
  return {
    reason: late.reason,
    eventId: event.eventId,
    source: event.source,
    metric: event.metric,
    value: event.value,
    timestamp: event.timestamp,
    windowSizeMillis: key.windowSizeMillis,
    windowStart: key.windowStart,
    windowEnd: key.windowEnd,
    watermarkMillis: time.watermarkMillis,
    shardId: context.shardId,
    sequenceNumber: context.sequenceNumber,
    partitionKey: columns.partitionKey(late.index),
  };
}
