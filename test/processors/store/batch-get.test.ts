import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGetItems } from '../../../processors/store/batch-get.ts';
import { AggregateStoreError } from '../../../processors/store/errors.ts';

type Request = { input: { RequestItems: Record<string, { Keys: { pk: { S: string } }[] }> } };

/**
 * A stand-in for the SDK client: dynalite never answers with UnprocessedKeys, so this error path
 * cannot be produced against the emulator. `unprocessed(call)` says how many keys to hold back.
 */
function client(unprocessed: (call: number) => number) {
  const calls: number[] = [];
  const fake = {
    send: async (command: Request) => {
      const keys = command.input.RequestItems.t!.Keys;
      calls.push(keys.length);
      const held = Math.min(keys.length, unprocessed(calls.length));
      const served = keys.slice(0, keys.length - held);
      return {
        Responses: { t: served.map((k) => ({ pk: k.pk, sk: { S: 'x' } })) },
        UnprocessedKeys: held > 0 ? { t: { Keys: keys.slice(keys.length - held) } } : {},
      };
    },
  };
  return { client: fake as unknown as DynamoDBClient, calls };
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: `p${i}`, sk: 'x' }));

describe('batchGetItems', () => {
  it('asks at most 100 keys a call', async () => {
    const { client: c, calls } = client(() => 0);
    const items = await batchGetItems(c, 't', keys(250));
    expect(calls).toEqual([100, 100, 50]);
    expect(items).toHaveLength(250);
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    const { client: c, calls } = client((call) => (call === 1 ? 30 : 0));
    const items = await batchGetItems(c, 't', keys(100));
    expect(calls).toEqual([100, 30]);
    expect(items.map((i) => i.pk?.S).sort()).toEqual(
      keys(100)
        .map((k) => k.pk)
        .sort(),
    );
  });

  it('fails, naming what is unread, rather than return a partial answer', async () => {
    const { client: c } = client(() => 1);
    await expect(batchGetItems(c, 't', keys(3))).rejects.toThrow(AggregateStoreError);
    await expect(batchGetItems(c, 't', keys(3))).rejects.toThrow(/1 keys still unprocessed/);
  });
});
