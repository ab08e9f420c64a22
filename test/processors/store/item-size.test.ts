import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DYNAMODB } from '../../../infra/limits.ts';
import { absorbValue, emptyWindowState } from '../../../processors/aggregates/window-state.ts';
import type { StoredPart } from '../../../processors/engine/absorb.ts';
import type { PartKey } from '../../../processors/engine/batch-plan.ts';
import { recordPosition } from '../../../processors/engine/sequence.ts';
import {
  itemSizeBytes,
  marksThatFit,
  PartTooLargeError,
} from '../../../processors/store/item-size.ts';
import { markEntryBytes } from '../../../processors/store/part-state-codec.ts';
import { readPart, writePart } from '../../../processors/store/part-store.ts';
import { createAggregatesTable, startTestDynamo, type TestDynamo } from '../support/dynamo.ts';

const KEY: PartKey = {
  source: 'sensor-1',
  metric: 'temperature',
  windowSizeMillis: 300_000,
  windowStart: 1_700_000_100_000,
  windowEnd: 1_700_000_400_000,
  shardId: 'shardId-000000000000',
  partitionKey: 'sensor-1',
};

/** `n` marks with 40-byte keys; mark i is at sequence number i + 1 (so mark 0 is the oldest). */
function marksOf(n: number): Map<string, string> {
  const marks = new Map<string, string>();
  for (let i = 0; i < n; i++)
    marks.set(`kinesis-key-${String(i).padStart(28, '0')}`, recordPosition(String(i + 1), 0));
  return marks;
}

function part(marks: Map<string, string>, hashes: number): StoredPart {
  const state = emptyWindowState(0.01);
  absorbValue(state, 1.5, KEY.windowStart, false);
  return {
    state,
    recentIdHashes: Array.from({ length: hashes }, (_, i) => i * 7919),
    marks,
    version: 1,
    closed: false,
  };
}

describe('marksThatFit', () => {
  it('keeps every mark of an item exactly at the limit, and drops the oldest one byte over', () => {
    // arrange
    const marks = marksOf(3);
    const entry = markEntryBytes('kinesis-key-0000000000000000000000000000');
    // act
    const at = marksThatFit(marks, 1_000, 1_000);
    const over = marksThatFit(marks, 1_001, 1_000);
    // assert
    expect(at.dropped).toBe(0);
    expect(over.dropped).toBe(1);
    expect(over.itemBytes).toBe(1_001 - entry);
    expect([...over.marks.keys()]).toEqual([...marks.keys()].slice(1));
  });

  it('drops every mark when even that does not fit, and says the size is still over', () => {
    const result = marksThatFit(marksOf(2), 10_000, 100);
    expect([result.dropped, result.marks.size, result.itemBytes > 100]).toEqual([2, 0, true]);
  });
});

describe('itemSizeBytes', () => {
  it('counts names and values as DynamoDB does (S UTF-8, B raw, N two digits a byte + 1)', () => {
    expect(itemSizeBytes({ pk: { S: 'é' }, b: { B: new Uint8Array(10) }, n: { N: '12345' } })).toBe(
      2 + 2 + 1 + 10 + 1 + 4,
    );
  });
});

describe('writePart at the item limit (dynalite)', () => {
  let dynamo: TestDynamo;
  let tableName: string;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    tableName = await createAggregatesTable(dynamo.client);
  });
  afterAll(async () => {
    await dynamo.close();
  });
  const store = () => ({
    client: dynamo.client,
    tableName,
    relativeAccuracy: 0.01,
    retentionSeconds: 3600,
  });

  it('prunes the oldest marks of a part whose marks outgrew 400 KB, and writes it under the limit', async () => {
    // arrange: 5,000 marks of 109 bytes: about 545 KB
    const marks = marksOf(5_000);
    // act
    const outcome = await writePart(store(), KEY, part(marks, 2_048), undefined, 0);
    const stored = await readPart(store(), KEY);
    // assert
    expect(outcome.status).toBe('written');
    const dropped = outcome.status === 'written' ? outcome.marksDropped : -1;
    expect(dropped).toBeGreaterThan(1_000);
    expect(stored?.marks.size).toBe(5_000 - dropped);
    expect(stored?.marks.has('kinesis-key-0000000000000000000000004999')).toBe(true);
    expect(stored?.marks.has('kinesis-key-0000000000000000000000000000')).toBe(false);
    expect(stored?.recentIdHashes.length).toBe(2_048);
  });

  it('refuses, without sending it, a part that cannot fit without dropping horizon hashes', async () => {
    // arrange: 52,000 hashes are 416,000 bytes on their own
    const tooBig = part(new Map(), 52_000);
    // act
    const error = await writePart(
      store(),
      { ...KEY, windowStart: 0, windowEnd: 300_000 },
      tooBig,
      undefined,
      0,
    ).catch((e: unknown) => e);
    // assert
    expect(error).toBeInstanceOf(PartTooLargeError);
    expect((error as PartTooLargeError).itemBytes).toBeGreaterThan(DYNAMODB.maxItemBytes);
    expect((error as PartTooLargeError).sk).toContain('#P#');
    expect(await readPart(store(), { ...KEY, windowStart: 0, windowEnd: 300_000 })).toBeUndefined();
  });
});
