/**
 * Encode and decode of `TelemetryEvent` with the single-object Avro codec against JSON (the
 * baseline, as a producer would send it: UTF-8 bytes), measured in the same run, plus avsc's raw
 * body encode/decode as the floor our header, validation and checks sit on.
 *
 * Run: `npx tsx bench/codec.bench.ts` (about 20 s of CPU). Writes `bench/results/codec-*.json`.
 */

import { writeFileSync } from 'node:fs';
import type avro from 'avsc';
import b from 'benny';
import { decodeTelemetryEvent, defaultCodec, encodeTelemetryEvent } from '../schemas/codec.ts';
import type { TelemetryEvent } from '../schemas/types.ts';

type Summary = Awaited<ReturnType<typeof b.suite>>;

const RESULTS = 'bench/results';
const CASE_OPTIONS = { cases: { minTime: 1, maxTime: 1.5 } } as const;

// Varied records (ids, sources, attribute sets, units) so no case sees one shape only.
const EVENTS: readonly TelemetryEvent[] = Array.from({ length: 1024 }, (_, i) => ({
  eventId: `evt-${i.toString(16).padStart(8, '0')}-${(i * 7919) % 100_000}`,
  source: `sensor-${i % 64}`,
  metric: ['cpu.utilization', 'mem.used', 'disk.io', 'net.rx'][i % 4]!,
  value: Math.sin(i) * 100,
  timestamp: 1_700_000_000_000 + i * 37,
  ...(i % 3 === 0 ? { attributes: { region: 'eu-west-1', host: `h-${i % 16}` } } : {}),
  ...(i % 2 === 0 ? { unit: 'percent' } : {}),
}));
const AVRO = EVENTS.map((event) => encodeTelemetryEvent(event));
const JSON_BYTES = EVENTS.map((event) => Buffer.from(JSON.stringify(event), 'utf8'));
const writerType: avro.Type = defaultCodec.registry.writer('TelemetryEvent').type;
const BODIES = AVRO.map((bytes) => bytes.subarray(10));

const mask = EVENTS.length - 1;
let sink = 0; // consumed after each suite so no case is optimised away

function opsOf(summary: Summary, name: string): number {
  return summary.results.find((result) => result.name === name)?.ops ?? Number.NaN;
}

const encode = await b.suite(
  'TelemetryEvent encode (one record per op)',
  b.configure(CASE_OPTIONS),
  b.add('avro single-object (encodeTelemetryEvent)', () => {
    let i = 0;
    return () => {
      sink += encodeTelemetryEvent(EVENTS[i++ & mask]!).length;
    };
  }),
  b.add('JSON.stringify + Buffer.from', () => {
    let i = 0;
    return () => {
      sink += Buffer.from(JSON.stringify(EVENTS[i++ & mask]!), 'utf8').length;
    };
  }),
  b.add('avsc toBuffer, body only (floor)', () => {
    let i = 0;
    return () => {
      sink += writerType.toBuffer(EVENTS[i++ & mask]!).length;
    };
  }),
  b.cycle(),
  b.complete(),
  b.save({ file: 'codec-encode', folder: RESULTS, format: 'json' }),
);

const decode = await b.suite(
  'TelemetryEvent decode (one record per op)',
  b.configure(CASE_OPTIONS),
  b.add('avro single-object (decodeTelemetryEvent)', () => {
    let i = 0;
    return () => {
      sink += decodeTelemetryEvent(AVRO[i++ & mask]!).timestamp;
    };
  }),
  b.add('JSON.parse of UTF-8 bytes', () => {
    let i = 0;
    return () => {
      sink += (JSON.parse(JSON_BYTES[i++ & mask]!.toString('utf8')) as TelemetryEvent).timestamp;
    };
  }),
  b.add('avsc fromBuffer, body only (floor)', () => {
    let i = 0;
    return () => {
      sink += (writerType.fromBuffer(BODIES[i++ & mask]!) as TelemetryEvent).timestamp;
    };
  }),
  b.cycle(),
  b.complete(),
  b.save({ file: 'codec-decode', folder: RESULTS, format: 'json' }),
);

const mean = (sizes: readonly Buffer[]) =>
  sizes.reduce((sum, buf) => sum + buf.length, 0) / sizes.length;
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  records: EVENTS.length,
  bytesPerRecord: {
    avroSingleObject: mean(AVRO),
    avroBodyOnly: mean(BODIES),
    json: mean(JSON_BYTES),
  },
  opsPerSecond: {
    encodeAvro: opsOf(encode, 'avro single-object (encodeTelemetryEvent)'),
    encodeJson: opsOf(encode, 'JSON.stringify + Buffer.from'),
    encodeFloor: opsOf(encode, 'avsc toBuffer, body only (floor)'),
    decodeAvro: opsOf(decode, 'avro single-object (decodeTelemetryEvent)'),
    decodeJson: opsOf(decode, 'JSON.parse of UTF-8 bytes'),
    decodeFloor: opsOf(decode, 'avsc fromBuffer, body only (floor)'),
  },
};
const ratios = {
  encodeAvroOverJson: summary.opsPerSecond.encodeAvro / summary.opsPerSecond.encodeJson,
  decodeAvroOverJson: summary.opsPerSecond.decodeAvro / summary.opsPerSecond.decodeJson,
  encodeAvroOverFloor: summary.opsPerSecond.encodeAvro / summary.opsPerSecond.encodeFloor,
  decodeAvroOverFloor: summary.opsPerSecond.decodeAvro / summary.opsPerSecond.decodeFloor,
  bytesAvroOverJson: summary.bytesPerRecord.avroSingleObject / summary.bytesPerRecord.json,
};
writeFileSync(
  `${RESULTS}/codec-summary.json`,
  `${JSON.stringify({ ...summary, ratios }, null, 2)}\n`,
);

const fmt = (x: number) => x.toFixed(2);
console.log(
  `\nbytes/record: avro ${fmt(summary.bytesPerRecord.avroSingleObject)} (body ${fmt(summary.bytesPerRecord.avroBodyOnly)}), JSON ${fmt(summary.bytesPerRecord.json)} -> ${fmt(ratios.bytesAvroOverJson)}x`,
);
console.log(
  `encode: avro/JSON ${fmt(ratios.encodeAvroOverJson)}x, avro/floor ${fmt(ratios.encodeAvroOverFloor)}x`,
);
console.log(
  `decode: avro/JSON ${fmt(ratios.decodeAvroOverJson)}x, avro/floor ${fmt(ratios.decodeAvroOverFloor)}x`,
);
console.log(
  `results: ${RESULTS}/codec-{encode,decode,summary}.json (sink ${sink > 0 ? 'ok' : 'empty'})`,
);
