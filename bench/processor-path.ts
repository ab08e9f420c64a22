/**
 * What `processor.bench.ts` measures, in one module that it bundles as Lambda runs it
 * (`bench/bundle.ts`): the processor's in-process path on one Kinesis batch, and the raw avsc
 * decode floor beside it, both from the same bundle.
 */

import avro from 'avsc';
import type { KinesisStreamRecord } from 'aws-lambda';
import { absorbPlan, type StoredPart } from '../processors/engine/absorb.ts';
import { planBatch } from '../processors/engine/batch-plan.ts';
import { decodeBatch } from '../processors/kinesis/decode-records.ts';
import { decodePartState, encodePartState } from '../processors/store/part-state-codec.ts';
import type { WindowSpec } from '../processors/windows/window.ts';

const NO_TIME = {
  maxEventTimeMillis: Number.NEGATIVE_INFINITY,
  watermarkMillis: Number.NEGATIVE_INFINITY,
};
const WHERE = { pk: 'bench', sk: 'bench' };

/** What a part absorbs with (the handler's defaults). */
export const ABSORB = { relativeAccuracy: 0.01, dedupHorizonEvents: 2_048 } as const;

/** What one batch did: events absorbed, and bytes of the encoded parts (when asked). */
export interface BatchOutcome {
  readonly absorbed: number;
  readonly encodedBytes: number;
}

/**
 * base64 -> KPL deaggregate -> Avro decode -> window -> aggregate for one batch, as the handler
 * does it minus DynamoDB. `stored` maps a part's partition key to its encoded state, decoded per
 * part as `readParts` does (undefined: every part is new); `encode`: serialize each new part, as
 * the handler does before its write.
 */
export function processBatch(
  records: readonly KinesisStreamRecord[],
  specs: readonly WindowSpec[],
  stored?: ReadonlyMap<string, Uint8Array>,
  encode = false,
): BatchOutcome {
  const batch = decodeBatch(records, 'partition-key');
  let absorbed = 0;
  let encodedBytes = 0;
  for (const plan of planBatch(batch.events, specs)) {
    let part: StoredPart | undefined;
    const blob = stored?.get(plan.key.partitionKey);
    if (blob !== undefined) {
      const decoded = decodePartState(blob, ABSORB.relativeAccuracy, WHERE);
      part = { ...decoded, version: 1, closed: false };
    }
    const outcome = absorbPlan(part, plan, NO_TIME, ABSORB);
    if (encode && outcome.next !== undefined) encodedBytes += encodePartState(outcome.next).length;
    absorbed += outcome.absorbed;
  }
  return { absorbed, encodedBytes };
}

/** The floor: avsc's `fromBuffer` of every body (the records without their 10-byte header). */
export function floorDecoder(schemaJson: string): (bodies: readonly Buffer[]) => number {
  const type = avro.Type.forSchema(JSON.parse(schemaJson));
  return (bodies) => {
    let sum = 0;
    for (const b of bodies) sum += (type.fromBuffer(b) as { value: number }).value;
    return sum;
  };
}
