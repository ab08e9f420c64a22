import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventIdHash, eventIdHashAt } from '../../../processors/engine/event-id-hash.ts';

describe('eventIdHashAt', () => {
  it('equals eventIdHash of the decoded id for ASCII bytes, wherever they lie, and declines any other', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 })),
        fc.nat(5),
        (id, pad) => {
          const bytes = Buffer.concat([Buffer.alloc(pad, 0x41), Buffer.from(id), Buffer.of(1, 2)]);
          const hash = eventIdHashAt(bytes, pad, bytes.length - 2);
          if ([...id].every((c) => c.charCodeAt(0) < 0x80)) expect(hash).toBe(eventIdHash(id));
          else expect(hash).toBe(-1);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('gives bytes that are not valid UTF-8 no hash of their own (they decode to U+FFFD)', () => {
    const bytes = Buffer.of(0x61, 0xff, 0x62);
    expect(eventIdHashAt(bytes, 0, 3)).toBe(-1);
    expect(eventIdHash(bytes.toString('utf8'))).toBe(eventIdHash('a\ufffdb'));
  });

  it('gives the numbers stored horizons were written with (cyrb53 over char codes)', () => {
    // Computed by the hash as first released; a change here would make stored horizons miss
    // producer retries across a deploy.
    expect(
      ['evt-0000000001', '3b241101-e2bb-4255-8caf-4136c566a962', 'héllo', ''].map((id) =>
        eventIdHash(id),
      ),
    ).toEqual([8761658956933527, 6485028857810902, 8324986152520796, 3338908027751811]);
  });

  it('separates ids that differ in one byte, in length, or by trailing zero bytes', () => {
    const ids = ['', '\0', '\0\0', 'a', 'a\0', 'evt-0001', 'evt-0002', 'evt-00010', 'evt-0001\0'];
    const hashes = new Set(ids.map((id) => eventIdHash(id)));
    expect(hashes.size).toBe(ids.length);
    for (const h of hashes) expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
  });

  it('spreads a million sequential ids without a collision', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1_000_000; i++)
      seen.add(eventIdHash(`evt-${i.toString(16).padStart(10, '0')}`));
    expect(seen.size).toBe(1_000_000);
  });
});
