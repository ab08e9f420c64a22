/**
 * The valid events of one batch, stored column by column: numbers in typed arrays, strings in
 * arrays of references, and what all user records of one Kinesis record share (shard, sequence
 * number, position prefix, ordering unit) once per record.
 *
 * Why columns and not an object per event: a batch holds up to hundreds of thousands of events
 * that all live until the batch is done, so every per-event object survived the young
 * generation and was copied by the GC (a quarter of the processor's time), and reading one
 * event's value meant chasing two pointers to scattered memory (the hottest line of
 * `absorbPlan`). Here an event is an index; plans hold indices.
 */

import type { TelemetryEvent } from '../../schemas/types.ts';

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
  values = new Float64Array(INITIAL_CAPACITY);
  timestamps = new Float64Array(INITIAL_CAPACITY);
  /** `eventIdHash(eventId)`. */
  idHashes = new Float64Array(INITIAL_CAPACITY);
  /** Sub-sequence number within the Kinesis record (0 for a plain record). */
  subSequences = new Int32Array(INITIAL_CAPACITY);
  /** Index of the event's Kinesis record in `recordContexts`. */
  records = new Int32Array(INITIAL_CAPACITY);
  readonly eventIds: string[] = [];
  readonly sources: string[] = [];
  readonly metrics: string[] = [];
  /** The user record's partition key (the Kinesis record's for a plain record). */
  readonly partitionKeys: string[] = [];
  readonly recordContexts: RecordContext[] = [];

  /** Starts the events of a new Kinesis record; returns its index. */
  addRecord(context: RecordContext): number {
    this.recordContexts.push(context);
    return this.recordContexts.length - 1;
  }

  /** Appends one event of record `record`. */
  push(
    record: number,
    subSequence: number,
    fields: EventFields,
    partitionKey: string,
    idHash: number,
  ): void {
    const i = this.length;
    if (i === this.values.length) this.#grow();
    this.values[i] = fields.value;
    this.timestamps[i] = fields.timestamp;
    this.idHashes[i] = idHash;
    this.subSequences[i] = subSequence;
    this.records[i] = record;
    this.eventIds.push(fields.eventId);
    this.sources.push(fields.source);
    this.metrics.push(fields.metric);
    this.partitionKeys.push(partitionKey);
    this.length = i + 1;
  }

  /** The Kinesis record context of event `i`. */
  contextOf(i: number): RecordContext {
    return this.recordContexts[this.records[i]!]!;
  }

  /** Event `i` as a telemetry event (for reports; optional fields are not kept). */
  event(i: number): TelemetryEvent {
    return {
      eventId: this.eventIds[i]!,
      source: this.sources[i]!,
      metric: this.metrics[i]!,
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
  }
}

function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
