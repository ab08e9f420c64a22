import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeriesKeys } from '../../../processors/engine/series-keys.ts';
import { wordsOf } from '../../../schemas/byte-words.ts';

/** Source and metric written one after the other, as in a record, with bytes around them. */
function laidOut(source: Buffer, metric: Buffer, pad: number) {
  const buf = Buffer.concat([Buffer.alloc(pad, 0xaa), source, Buffer.of(0x55), metric]);
  const sourceStart = pad;
  const metricStart = pad + source.length + 1;
  return {
    buf,
    spans: [sourceStart, sourceStart + source.length, metricStart, metricStart + metric.length],
  } as const;
}

describe('SeriesKeys', () => {
  it('gives one id per (shard, key, source, metric), by bytes or by strings alike', () => {
    const name = fc.oneof(
      fc.constantFrom('a', 'b', 'sensor-1', 'sensor-10', 'cpu.utilization', ''),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('shard-0', 'shard-1'),
            name,
            name,
            name,
            fc.boolean(),
            fc.nat(7),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        (events) => {
          const keys = new SeriesKeys();
          const reference = new Map<string, number>();
          for (const [shard, pk, source, metric, byBytes, pad] of events) {
            const unit = keys.unitOf(shard, pk);
            let id: number;
            if (byBytes) {
              const { buf, spans } = laidOut(Buffer.from(source), Buffer.from(metric), pad);
              id = keys.idOfBytes(unit, buf, wordsOf(buf), ...spans);
            } else id = keys.idOf(unit, source, metric);
            const key = JSON.stringify([shard, pk, source, metric]);
            expect(id).toBe(reference.get(key) ?? reference.size);
            reference.set(key, id);
            expect([
              keys.shardIds[id],
              keys.partitionKeys[id],
              keys.sources[id],
              keys.metrics[id],
            ]).toEqual([shard, pk, source, metric]);
          }
          expect(keys.size).toBe(reference.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives byte sequences that decode to the same strings one id (invalid UTF-8)', () => {
    const keys = new SeriesKeys();
    const unit = keys.unitOf('shard-0', 'k');
    const ids = [Buffer.of(0xff), Buffer.of(0xfe)].map((bad) => {
      const { buf, spans } = laidOut(bad, Buffer.from('m'), 3);
      return keys.idOfBytes(unit, buf, wordsOf(buf), ...spans);
    });
    expect(ids).toEqual([0, 0]);
    expect(keys.sources).toEqual(['\ufffd']);
  });

  it('finds a unit by the bytes of its partition key as by the string', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('shard-0', 'shard-1'), fc.string({ maxLength: 10 }), fc.nat(4)),
        ),
        (keys) => {
          const series = new SeriesKeys();
          const reference = new SeriesKeys();
          for (const [shard, key, pad] of keys) {
            const buf = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(key)]);
            const unit = series.unitOfBytes(
              series.shardNumber(shard),
              buf,
              wordsOf(buf),
              pad,
              buf.length,
            );
            expect(unit).toBe(reference.unitOf(shard, key));
            expect(series.unitOf(shard, key)).toBe(unit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps ids through growth of its tables', () => {
    const keys = new SeriesKeys();
    const unit = keys.unitOf('shard-0', 'k');
    const ids: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 20_000; i++) {
        const { buf, spans } = laidOut(Buffer.from(`source-${i}`), Buffer.from('m'), i % 5);
        const id = keys.idOfBytes(unit, buf, wordsOf(buf), ...spans);
        if (round === 0) ids.push(id);
        else expect(id).toBe(ids[i]);
      }
    }
    expect(keys.size).toBe(20_000);
  });
});
