/**
 * PutEvents limits at their exact edges, through the SDK: 10 entries pass and 11 fail; a request
 * whose entries total exactly 256 KiB (as AWS computes entry size) passes and one byte more fails.
 */

import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTBRIDGE } from '../../../../../infra/limits.ts';
import { entrySize } from '../../../../../infra/local/services/eventbridge/put-events.ts';
import { type LocalEventBridge, startEventBridge } from '../../../../support/local-services.ts';

let eventBridge: LocalEventBridge;

beforeAll(async () => {
  eventBridge = await startEventBridge();
});

afterAll(() => eventBridge.close());

const entry = (detail = '{}'): PutEventsRequestEntry => ({
  Source: 'limits.test',
  DetailType: 'Edge',
  Detail: detail,
});

/** A Detail of `{"pad":"xxx..."}` whose entry is exactly `size` bytes (with a Time: +14). */
function entryOfSize(size: number, withTime: boolean): PutEventsRequestEntry {
  const overhead = 'limits.test'.length + 'Edge'.length + '{"pad":""}'.length + (withTime ? 14 : 0);
  const detail = JSON.stringify({ pad: 'x'.repeat(size - overhead) });
  return { ...entry(detail), ...(withTime ? { Time: new Date() } : {}) };
}

describe('PutEvents entry count', () => {
  it(`accepts ${EVENTBRIDGE.maxPutEventsEntries} entries`, async () => {
    const out = await eventBridge.client.send(
      new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => entry()) }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(10);
  });
  it('refuses 11 entries with ValidationException', async () => {
    await expect(
      eventBridge.client.send(
        new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('less than or equal to 10'),
    });
  });
});

describe('PutEvents total entry size', () => {
  it('counts 14 bytes for Time and UTF-8 bytes for strings (eb-putevent-size)', () => {
    expect(
      entrySize({ Source: 'ab', DetailType: 'c', Detail: '{"k":"é"}', Resources: ['r1', 'r2'] }),
    ).toBe(2 + 1 + 10 + 4);
    expect(entrySize({ Source: 'ab', DetailType: 'c', Detail: '{}', Time: 1 })).toBe(
      2 + 1 + 2 + 14,
    );
  });

  it('accepts entries totalling exactly 256 KiB', async () => {
    const half = EVENTBRIDGE.maxPutEventsBytes / 2;
    const entries = [entryOfSize(half, true), entryOfSize(half, false)];
    expect(entrySize(entries[0]!) + entrySize(entries[1]!)).toBe(EVENTBRIDGE.maxPutEventsBytes);
    const out = await eventBridge.client.send(new PutEventsCommand({ Entries: entries }));
    expect(out.FailedEntryCount).toBe(0);
  });

  it('refuses one byte more with ValidationException', async () => {
    const half = EVENTBRIDGE.maxPutEventsBytes / 2;
    const entries = [entryOfSize(half, true), entryOfSize(half + 1, false)];
    await expect(
      eventBridge.client.send(new PutEventsCommand({ Entries: entries })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });
});
