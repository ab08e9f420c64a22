/**
 * The valid events of one batch, stored column by column: numbers in typed arrays, each event's
 * series (shard, partition key, source, metric) as an id into the batch's `SeriesKeys`, its
 * event id as a span of its record's bytes (a string only when a report asks for it), and what
 * all user records of one Kinesis record share (shard, sequence number, position prefix,
 * ordering unit) once per record.
 *
 * Why columns and not an object per event: a batch holds up to hundreds of thousands of events
 * that all live until the batch is done, so every per-event object survived the young
 * generation and was copied by the GC (a quarter of the processor's time), and reading one
 * event's value meant chasing two pointers to scattered memory (the hottest line of
 * `absorbPlan`). Here an event is an index; plans hold indices.
 */

import type { SlicingBuffer } from '../../schemas/string-intern.ts';
import type { TelemetryEvent } from '../../schemas/types.ts';
import { SeriesKeys } from './series-keys.ts';

const INITIAL_CAPACITY = 1024;

/** What the user records of one Kinesis record share. */
export interface RecordContext {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** `positionPrefix(sequenceNumber)`: a position is this plus the padded sub-sequence. */
  readonly positionPrefix: string;
  /**
   * The unit within which the event source mapping keeps order: the Kinesis record's partition
   * key (order is kept per Kinesis-level key even with a parallelization factor above 1; a KPL
   * record mixes user keys), or '' when the whole shard is one ordered unit.
   */
  readonly orderingKey: string;
}

/** The fields of one event that the columns take from its decoded record. */
export interface EventFields {
  readonly eventId: string;
  readonly source: string;
  readonly metric: string;
  readonly value: number;
  readonly timestamp: number;
}

/** A batch's valid events, in shard order. */
export class EventColumns {
  /** How many events the columns hold. */
  length = 0;
  values: Float64Array;
  timestamps: Float64Array;
  /** `eventIdHash(eventId)`. */
  idHashes: Float64Array;
  /** Sub-sequence number within the Kinesis record (0 for a plain record). */
  subSequences: Int32Array;
  /** Index of the event's Kinesis record in `recordContexts`. */
  records: Int32Array;
  /** The event's series id in `series` (shard, partition key, source, metric). */
  seriesIds: Int32Array;
  /** The batch's series. */
  readonly series = new SeriesKeys();
  // The event id as bytes of its record's data, made a string only when asked for (reports);
  // a start of -1: the string is in `#eventIdStrings`.
  #eventIdStarts: Int32Array;
  #eventIdEnds: Int32Array;
  readonly #eventIdStrings = new Map<number, string>();
  readonly #recordData: (Buffer | undefined)[] = [];
  readonly recordContexts: RecordContext[] = [];

  /** Columns with room for `capacity` events before they first grow. */
  constructor(capacity = INITIAL_CAPACITY) {
    const n = Math.max(16, capacity);
    this.values = new Float64Array(n);
    this.timestamps = new Float64Array(n);
    this.idHashes = new Float64Array(n);
    this.subSequences = new Int32Array(n);
    this.records = new Int32Array(n);
    this.seriesIds = new Int32Array(n);
    this.#eventIdStarts = new Int32Array(n);
    this.#eventIdEnds = new Int32Array(n);
  }

  /**
   * Starts the events of a new Kinesis record; returns its index. `data`: the record's bytes,
   * which `pushSpans` events point into.
   */
  addRecord(context: RecordContext, data?: Buffer): number {
    this.recordContexts.push(context);
    this.#recordData.push(data);
    return this.recordContexts.length - 1;
  }

  /** Appends one event of record `record`, from its decoded fields. */
  push(
    record: number,
    subSequence: number,
    fields: EventFields,
    partitionKey: string,
    idHash: number,
  ): void {
    const unit = this.series.unitOf(this.recordContexts[record]!.shardId, partitionKey);
    const i = this.#append(
      record,
      subSequence,
      fields.value,
      fields.timestamp,
      this.series.idOf(unit, fields.source, fields.metric),
      idHash,
    );
    this.#eventIdStarts[i] = -1;
    this.#eventIdStrings.set(i, fields.eventId);
  }

  /**
   * Appends one event of record `record` (added with its data) whose series is already known
   * (`series.idOfBytes`) and whose event id is the UTF-8 bytes `[eventIdStart, eventIdEnd)` of
   * the record's data.
   */
  pushSpans(
    record: number,
    subSequence: number,
    value: number,
    timestamp: number,
    seriesId: number,
    idHash: number,
    eventIdStart: number,
    eventIdEnd: number,
  ): void {
    const i = this.#append(record, subSequence, value, timestamp, seriesId, idHash);
    this.#eventIdStarts[i] = eventIdStart;
    this.#eventIdEnds[i] = eventIdEnd;
  }

  #append(
    record: number,
    subSequence: number,
    value: number,
    timestamp: number,
    seriesId: number,
    idHash: number,
  ): number {
    const i = this.length;
    if (i === this.values.length) this.#grow();
    this.values[i] = value;
    this.timestamps[i] = timestamp;
    this.idHashes[i] = idHash;
    this.subSequences[i] = subSequence;
    this.records[i] = record;
    this.seriesIds[i] = seriesId;
    this.length = i + 1;
    return i;
  }

  /** The user record's partition key of event `i` (the Kinesis record's for a plain record). */
  partitionKey(i: number): string {
    return this.series.partitionKeys[this.seriesIds[i]!]!;
  }

  /** The event id of event `i`. */
  eventId(i: number): string {
    const start = this.#eventIdStarts[i]!;
    if (start < 0) return this.#eventIdStrings.get(i)!;
    const data = this.#recordData[this.records[i]!] as SlicingBuffer;
    return data.utf8Slice(start, this.#eventIdEnds[i]!);
  }

  /** The Kinesis record context of event `i`. */
  contextOf(i: number): RecordContext {
    return this.recordContexts[this.records[i]!]!;
  }

  /** Event `i` as a telemetry event (for reports; optional fields are not kept). */
  event(i: number): TelemetryEvent {
    return {
      eventId: this.eventId(i),
      source: this.series.sources[this.seriesIds[i]!]!,
      metric: this.series.metrics[this.seriesIds[i]!]!,
      value: this.values[i]!,
      timestamp: this.timestamps[i]!,
    };
  }

  #grow(): void {
    const capacity = this.values.length * 2;
    this.values = grown(this.values, new Float64Array(capacity));
    this.timestamps = grown(this.timestamps, new Float64Array(capacity));
    this.idHashes = grown(this.idHashes, new Float64Array(capacity));
    this.subSequences = grown(this.subSequences, new Int32Array(capacity));
    this.records = grown(this.records, new Int32Array(capacity));
    this.seriesIds = grown(this.seriesIds, new Int32Array(capacity));
    this.#eventIdStarts = grown(this.#eventIdStarts, new Int32Array(capacity));
    this.#eventIdEnds = grown(this.#eventIdEnds, new Int32Array(capacity));
  }
}

function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
