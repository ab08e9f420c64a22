/**
 * From a Kinesis batch to decoded events and poison records: base64, KPL deaggregation, Avro
 * single-object decoding and the checks the windows need (a finite value, a representable event
 * time). Nothing here throws for bad input: every record ends as events or as poison with the
 * reason, the shard and the sequence number, so that one bad record never blocks its shard.
 */

import type { KinesisStreamRecord } from 'aws-lambda';
import {
  DeaggregateScratch,
  deaggregateSpans,
  type UserRecordSpans,
} from '../../ingest/kpl/deaggregate.ts';
import { wordsOf } from '../../schemas/byte-words.ts';
import {
  readTelemetryFieldsAt,
  readTelemetrySpansAt,
  type TelemetryFields,
} from '../../schemas/codec.ts';
import { SchemaDecodeError } from '../../schemas/errors.ts';
import { SequenceNumberError } from '../engine/errors.ts';
import { EventColumns } from '../engine/event-columns.ts';
import { eventIdHash, eventIdHashAt } from '../engine/event-id-hash.ts';
import { positionPrefix } from '../engine/sequence.ts';
import type { SeriesKeys } from '../engine/series-keys.ts';
import { isValidEventTime } from '../windows/window.ts';

/** Why a record is poison (decode reasons come from `schemas/errors.ts`, KPL ones from ingest). */
export const POISON_REASONS = {
  nonFiniteValue: 'non-finite-value',
  invalidEventTime: 'invalid-event-time',
  badSequenceNumber: 'bad-sequence-number',
  undecodable: 'undecodable',
} as const;

/** A record or user record that can never be processed, with where it came from. */
export interface PoisonRecord {
  readonly reason: string;
  readonly message: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Index within the aggregated record; undefined for a plain record or a corrupt aggregate. */
  readonly subSequenceNumber: number | undefined;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
  /** The bytes that failed (the user record's, or the whole Kinesis record's). */
  readonly data: Uint8Array;
}

/** The decoded events and the poison of one batch, both in shard order. */
export interface DecodedBatch {
  readonly events: EventColumns;
  readonly poison: PoisonRecord[];
  /** Sequence numbers of the Kinesis records, in order. */
  readonly sequenceNumbers: string[];
}

/** The shard of a Kinesis event record: `eventID` is `shardId-000000000000:<sequence number>`. */
export function shardIdOf(record: KinesisStreamRecord): string {
  const colon = record.eventID.lastIndexOf(':');
  return colon > 0 ? record.eventID.slice(0, colon) : record.eventID;
}

/**
 * The unit within which the event source mapping keeps order: each Kinesis-level partition key
 * (always right, and required with a parallelization factor above 1), or the whole shard
 * (right only with a parallelization factor of 1; items then keep one mark instead of one per
 * key that wrote them).
 */
export type OrderingUnit = 'partition-key' | 'shard';

/** Decodes every record of a batch. */
export function decodeBatch(
  records: readonly KinesisStreamRecord[],
  orderingUnit: OrderingUnit = 'partition-key',
): DecodedBatch {
  const data64 = base64Arena(records);
  let used = 0;
  const events = new EventColumns(Math.ceil(data64.length / BYTES_PER_EVENT));
  const poison: PoisonRecord[] = [];
  const sequenceNumbers: string[] = [];
  const scratch = new DeaggregateScratch();
  for (const record of records) {
    const shardId = shardIdOf(record);
    const { sequenceNumber, partitionKey, approximateArrivalTimestamp } = record.kinesis;
    sequenceNumbers.push(sequenceNumber);
    // Into the batch's one buffer: one allocation per batch, not one per record.
    const written = data64.write(record.kinesis.data, used, 'base64');
    const data = data64.subarray(used, used + written);
    used += written;
    const where = { shardId, sequenceNumber, partitionKey, approximateArrivalTimestamp };
    let prefix: string;
    try {
      prefix = positionPrefix(sequenceNumber);
    } catch (error) {
      if (!(error instanceof SequenceNumberError)) throw error;
      poison.push({
        ...where,
        reason: POISON_REASONS.badSequenceNumber,
        message: error.message,
        subSequenceNumber: undefined,
        data,
      });
      continue;
    }
    const result = deaggregateSpans(data, partitionKey, { scratch });
    if (result.status === 'corrupt') {
      poison.push({
        ...where,
        reason: result.reason,
        message: result.error.message,
        subSequenceNumber: undefined,
        data,
      });
      continue;
    }
    // Spans, not user-record objects; bytes, not strings: a plain event allocates nothing. Its
    // series is found by the bytes of its source and metric, its id hashed from its bytes.
    const { buf, count, starts, ends, aggregated, partitionKeyIndexes } = result.spans;
    const orderingKey = orderingUnit === 'shard' ? '' : partitionKey;
    const context = events.addRecord(
      { shardId, sequenceNumber, positionPrefix: prefix, orderingKey },
      buf,
    );
    const series = events.series;
    const view = wordsOf(buf);
    const units = unitsOf(series, shardId, result.spans, view);
    for (let i = 0; i < count; i++) {
      const start = starts[i]!;
      const end = ends[i]!;
      const spans = readTelemetrySpansAt(buf, start, end);
      if (spans !== undefined && isWindowable(spans.value, spans.timestamp)) {
        const idHash = eventIdHashAt(buf, spans.eventIdStart, spans.eventIdEnd);
        events.pushSpans(
          context,
          i,
          spans.value,
          spans.timestamp,
          series.idOfBytes(
            units[partitionKeyIndexes[i]!]!,
            buf,
            view,
            spans.sourceStart,
            spans.sourceEnd,
            spans.metricStart,
            spans.metricEnd,
          ),
          idHash >= 0 ? idHash : eventIdHash(spans.eventId),
          spans.eventIdStart,
          spans.eventIdEnd,
        );
        continue;
      }
      // Not the plain case: avsc decodes it, or says exactly why it cannot be decoded.
      let fields: TelemetryFields | undefined;
      let problem: { reason: string; message: string } | undefined;
      try {
        fields = readTelemetryFieldsAt(buf, start, end);
        problem = eventProblem(fields);
      } catch (error) {
        problem = decodeProblem(error);
      }
      const userKey = result.spans.partitionKeyTable[partitionKeyIndexes[i]!]!;
      if (problem !== undefined) {
        poison.push({
          ...where,
          ...problem,
          partitionKey: userKey,
          subSequenceNumber: aggregated ? i : undefined,
          data: buf.subarray(start, end),
        });
        continue;
      }
      events.push(context, i, fields!, userKey, eventIdHash(fields!.eventId));
    }
  }
  return { events, poison, sequenceNumbers };
}

function decodeProblem(error: unknown): { reason: string; message: string } {
  if (error instanceof SchemaDecodeError) return { reason: error.reason, message: error.message };
  return { reason: POISON_REASONS.undecodable, message: String(error) };
}

/**
 * About how many events a batch holds, so that the columns are sized once instead of doubling
 * (and copying) their way up: one per this many bytes of data. A batch of larger events
 * over-allocates a little; one of smaller events grows as before.
 */
const BYTES_PER_EVENT = 72;

/** A buffer that holds every record's decoded data (base64 yields at most 3 bytes per 4). */
function base64Arena(records: readonly KinesisStreamRecord[]): Buffer {
  let bytes = 0;
  for (const record of records) bytes += Math.ceil((record.kinesis.data.length * 3) / 4);
  return Buffer.allocUnsafe(bytes);
}

/** The unit of each partition-key table entry of a record: by its bytes when it has them. */
function unitsOf(
  series: SeriesKeys,
  shardId: string,
  spans: UserRecordSpans,
  view: DataView,
): Int32Array {
  if (!spans.aggregated) return Int32Array.of(series.unitOf(shardId, spans.partitionKeyTable[0]!));
  const { buf, partitionKeyStarts: starts, partitionKeyEnds: ends } = spans;
  const shard = series.shardNumber(shardId);
  const units = new Int32Array(starts.length);
  for (let k = 0; k < units.length; k++) {
    units[k] = series.unitOfBytes(shard, buf, view, starts[k]!, ends[k]!);
  }
  return units;
}

/** True when an event's value and time can be windowed (see `eventProblem`). */
function isWindowable(value: number, timestamp: number): boolean {
  return Number.isFinite(value) && isValidEventTime(timestamp);
}

/** Why a decoded event cannot be windowed, or undefined when it can. */
function eventProblem(event: TelemetryFields): { reason: string; message: string } | undefined {
  if (!Number.isFinite(event.value)) {
    return {
      reason: POISON_REASONS.nonFiniteValue,
      message: `value ${event.value} of event ${event.eventId} is not a finite number`,
    };
  }
  if (!isValidEventTime(event.timestamp)) {
    return {
      reason: POISON_REASONS.invalidEventTime,
      message: `timestamp ${event.timestamp} of event ${event.eventId} is not an integer within ±8.64e15 ms`,
    };
  }
  return undefined;
}
