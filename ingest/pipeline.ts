/**
 * The in-process part of a request, between reading the body and calling Kinesis: validate and
 * encode every record, spread hot sources, group by shard and aggregate. The handler runs it,
 * and the benchmark measures exactly this function.
 */

import { uncheckedTelemetryWriter } from '../schemas/encode-into.ts';
import type { TelemetryEvent } from '../schemas/types.ts';
import type { ParsedRecords } from './body/parse-body.ts';
import type { RecordVerdict } from './http/response.ts';
import type { HotKeyTracker } from './partition/hot-keys.ts';
import type { PartitionRouter } from './partition/shard-map.ts';
import { type PutEntry, planPutEntries, type RecordFormat } from './plan.ts';
import { prepareRecords } from './prepare.ts';
import type { ValidationLimits } from './validate.ts';

/** Settings the pipeline reads (a subset of the resolved ingest configuration). */
export interface PipelineSettings extends ValidationLimits {
  readonly aggregation: boolean;
  readonly maxAggregatedRecordBytes: number;
  readonly hotKeySubKeys: number;
}

/** What to write, and what was refused. */
export interface RequestPlan {
  readonly entries: PutEntry[];
  /** Refused records, by request index, unsorted. */
  readonly rejected: RecordVerdict[];
}

/** The newest `TelemetryEvent` version, unchecked: `prepareRecords` validated every record. */
const writer = uncheckedTelemetryWriter();

/** Telemetry events as the planner reads and writes them. */
export const TELEMETRY_FORMAT: RecordFormat<TelemetryEvent> = {
  writeInto: writer.writeInto,
  sourceOf: (event) => event.source,
  eventIdOf: (event) => event.eventId,
};

/** Plans a request's Kinesis entries from its parsed records. */
export function planRequest(
  parsed: ParsedRecords,
  settings: PipelineSettings,
  state: { readonly router: PartitionRouter; readonly hotKeys: HotKeyTracker },
  nowMillis: number,
): RequestPlan {
  const prepared = prepareRecords(parsed.values, parsed.unreadable, settings, nowMillis);
  if (prepared.accepted.values.length === 0) return { entries: [], rejected: prepared.rejected };
  const plan = planPutEntries(prepared.accepted, {
    format: TELEMETRY_FORMAT,
    aggregation: settings.aggregation,
    maxAggregatedRecordBytes: settings.maxAggregatedRecordBytes,
    subKeys: settings.hotKeySubKeys,
    hotSources: state.hotKeys.observe(prepared.sourceCounts, nowMillis),
    router: state.router,
  });
  if (plan.rejected.length > 0) prepared.rejected.push(...plan.rejected);
  return { entries: plan.entries, rejected: prepared.rejected };
}
