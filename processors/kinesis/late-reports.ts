/** Late events as the messages of the late-events side output. */

import type { LateEvent, ShardTime } from '../engine/absorb.ts';
import type { PartKey } from '../engine/batch-plan.ts';
import type { LateEventReport } from '../sinks/types.ts';

/** The report of one late event for one window. */
export function lateReportOf(late: LateEvent, key: PartKey, time: ShardTime): LateEventReport {
  const { event } = late.decoded;
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
    shardId: late.decoded.shardId,
    sequenceNumber: late.decoded.sequenceNumber,
    partitionKey: late.decoded.partitionKey,
  };
}
