/**
 * From candidate records to encoded ones: validate each, encode it as an Avro single-object
 * record, and count records per source (for hot-key detection). Pure apart from the codec.
 *
 * Records are encoded without the codec's own schema check: `validateTelemetryEvent` accepting
 * a record implies avsc's `isValid` for it (the argument is in validate.ts, a property test
 * holds it), so checking twice would only cost time.
 */

import { encodeTelemetryEvent } from '../schemas/codec.ts';
import { SchemaEncodeError } from '../schemas/errors.ts';
import type { TelemetryEvent } from '../schemas/types.ts';
import { EncodeArena } from './encode-arena.ts';
import type { RecordVerdict } from './http/response.ts';
import type { EncodedRecord } from './plan.ts';
import { type ValidationLimits, validateTelemetryEvent } from './validate.ts';

/** Records ready for planning, and the ones refused. */
export interface Prepared {
  readonly encoded: EncodedRecord[];
  readonly rejected: RecordVerdict[];
  /** Valid records per source. */
  readonly sourceCounts: Map<string, number>;
}

/**
 * Validates and encodes every candidate.
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
  const encoded: EncodedRecord[] = [];
  const rejected: RecordVerdict[] = [];
  const sourceCounts = new Map<string, number>();
  const arena = new EncodeArena({ expectedRecords: values.length });
  for (let index = 0; index < values.length; index++) {
    if (unreadable.size > 0) {
      const reason = unreadable.get(index);
      if (reason !== undefined) {
        rejected.push({ index, reason });
        continue;
      }
    }
    const verdict = validateTelemetryEvent(values[index], limits, nowMillis);
    if (!verdict.ok) {
      rejected.push({ index, reason: verdict.reason });
      continue;
    }
    const event = verdict.event;
    let data: Buffer;
    try {
      data = arena.encode(event);
    } catch (error) {
      // Unreachable while validate.ts implies the schema check; should the two drift apart, the
      // record is refused with the schema's own verdict rather than failing the request.
      rejected.push({ index, reason: schemaMismatch(event, error) });
      continue;
    }
    encoded.push({ index, source: event.source, eventId: event.eventId, data });
    sourceCounts.set(event.source, (sourceCounts.get(event.source) ?? 0) + 1);
  }
  return { encoded, rejected, sourceCounts };
}

/** The checked codec's reason for refusing `event`; rethrows `cause` when it has none. */
function schemaMismatch(event: TelemetryEvent, cause: unknown): string {
  try {
    encodeTelemetryEvent(event);
  } catch (error) {
    if (error instanceof SchemaEncodeError) {
      return `record does not match the TelemetryEvent schema: ${error.paths.join(', ')}`;
    }
  }
  throw cause;
}
