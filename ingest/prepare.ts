/**
 * From candidate records to accepted ones: validate each, and count records per source (for
 * hot-key detection). Pure.
 *
 * Accepted records are encoded later, in place, without the codec's own schema check:
 * `validateTelemetryEvent` accepting a record implies avsc's `isValid` for it (the argument is
 * in validate.ts, a property test holds it), so checking twice would only cost time.
 */

import type { TelemetryEvent } from '../schemas/types.ts';
import type { RecordVerdict } from './http/response.ts';
import type { PlanInput } from './plan.ts';
import { telemetryEventProblem, type ValidationLimits } from './validate.ts';

/** Records ready for planning, and the ones refused. */
export interface Prepared {
  readonly accepted: PlanInput<TelemetryEvent>;
  readonly rejected: RecordVerdict[];
  /** Valid records per source. */
  readonly sourceCounts: Map<string, number>;
}

/**
 * Validates every candidate.
 *
 * @param values candidates by request position (from `parseBody`)
 * @param unreadable reasons for the positions that could not be parsed
 */
export function prepareRecords(
  values: readonly unknown[],
  unreadable: ReadonlyMap<number, string>,
  limits: ValidationLimits,
  nowMillis: number,
): Prepared {
  // Sized once and trimmed at the end: growing by push would allocate (and copy) about twice the
  // final size, garbage made while the whole parsed body is alive and copied by each GC.
  const events: TelemetryEvent[] = new Array(values.length);
  const indexes: number[] = new Array(values.length);
  let accepted = 0;
  const rejected: RecordVerdict[] = [];
  const sourceCounts = new Map<string, number>();
  for (let index = 0; index < values.length; index++) {
    if (unreadable.size > 0) {
      const reason = unreadable.get(index);
      if (reason !== undefined) {
        rejected.push({ index, reason });
        continue;
      }
    }
    const value = values[index];
    const reason = telemetryEventProblem(value, limits, nowMillis);
    if (reason !== undefined) {
      rejected.push({ index, reason });
      continue;
    }
    const event = value as TelemetryEvent;
    events[accepted] = event;
    indexes[accepted] = index;
    accepted++;
    sourceCounts.set(event.source, (sourceCounts.get(event.source) ?? 0) + 1);
  }
  events.length = accepted;
  indexes.length = accepted;
  return { accepted: { values: events, indexes }, rejected, sourceCounts };
}
