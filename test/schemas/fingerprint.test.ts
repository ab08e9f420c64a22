import type avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { crc64Avro, fingerprintHex, parsingCanonicalForm } from '../../schemas/fingerprint.ts';

// Test vectors from the Avro project's share/test/data/schema-tests.txt (apache/avro): input
// schema, its Parsing Canonical Form, and the CRC-64-AVRO fingerprint as a signed Java long.
// The Java implementation cross-checks these values, so every implementation can rely on them.
// One change: vector 026 has `"default":"true"` for a boolean, which avsc rightly rejects as an
// invalid default; `true` is used instead (defaults are not part of the canonical form).
interface SpecVector {
  readonly input: string;
  readonly canonical: string;
  /** Signed 64-bit, as the spec file prints it; absent where the file gives none. */
  readonly fingerprint?: string;
}

const SPEC_VECTORS: readonly SpecVector[] = [
  { input: '"null"', canonical: '"null"', fingerprint: '7195948357588979594' },
  { input: '{"type":"null"}', canonical: '"null"' },
  { input: '"boolean"', canonical: '"boolean"', fingerprint: '-6970731678124411036' },
  { input: '{"type":"boolean"}', canonical: '"boolean"' },
  { input: '"int"', canonical: '"int"', fingerprint: '8247732601305521295' },
  { input: '{"type":"int"}', canonical: '"int"' },
  { input: '"long"', canonical: '"long"', fingerprint: '-3434872931120570953' },
  { input: '"float"', canonical: '"float"', fingerprint: '5583340709985441680' },
  { input: '"double"', canonical: '"double"', fingerprint: '-8181574048448539266' },
  { input: '"bytes"', canonical: '"bytes"', fingerprint: '5746618253357095269' },
  { input: '"string"', canonical: '"string"', fingerprint: '-8142146995180207161' },
  { input: '[  ]', canonical: '[]', fingerprint: '-1241056759729112623' },
  { input: '[ "int"  ]', canonical: '["int"]', fingerprint: '-5232228896498058493' },
  {
    input: '[ "int" , {"type":"boolean"} ]',
    canonical: '["int","boolean"]',
    fingerprint: '5392556393470105090',
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo"}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: '-4824392279771201922',
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
    canonical: '{"name":"x.y.foo","type":"record","fields":[]}',
    fingerprint: '5916914534497305771',
  },
  {
    input: '{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
    canonical: '{"name":"a.b.foo","type":"record","fields":[]}',
    fingerprint: '-4616218487480524110',
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: '-4824392279771201922',
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: '-4824392279771201922',
  },
  {
    input: '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    canonical: '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    fingerprint: '7843277075252814651',
  },
  {
    input:
      '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo" }',
    canonical:
      '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    fingerprint: '-4860222112080293046',
  },
  {
    input: '{"type":"enum", "name":"foo", "symbols":["A1"]}',
    canonical: '{"name":"foo","type":"enum","symbols":["A1"]}',
    fingerprint: '-6342190197741309591',
  },
  {
    input:
      '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    canonical: '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    fingerprint: '-4448647247586288245',
  },
  {
    input: '{"name":"foo","type":"fixed","size":15}',
    canonical: '{"name":"foo","type":"fixed","size":15}',
    fingerprint: '1756455273707447556',
  },
  {
    input: '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    canonical: '{"name":"x.y.z.foo","type":"fixed","size":32}',
    fingerprint: '-3064184465700546786',
  },
  {
    input: '{ "items":{"type":"null"}, "type":"array"}',
    canonical: '{"type":"array","items":"null"}',
    fingerprint: '-589620603366471059',
  },
  {
    input: '{ "values":"string", "type":"map"}',
    canonical: '{"type":"map","values":"string"}',
    fingerprint: '-8732877298790414990',
  },
  {
    input:
      '{"name":"PigValue","type":"record", "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    canonical:
      '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    fingerprint: '-1759257747318642341',
  },
];

describe('crc64Avro', () => {
  it('is EMPTY (0xc15d213aa4d7a795) for no bytes, as the spec defines', () => {
    expect(crc64Avro(new Uint8Array(0))).toBe(0xc15d213aa4d7a795n);
  });

  it.each(SPEC_VECTORS.filter((v) => v.fingerprint !== undefined))(
    'fingerprints the canonical form of $input as in the spec test data',
    ({ canonical, fingerprint }) => {
      const fp = crc64Avro(Buffer.from(canonical, 'utf8'));
      expect(BigInt.asIntN(64, fp).toString()).toBe(fingerprint);
    },
  );
});

describe('parsingCanonicalForm', () => {
  // avsc rejects an empty union, so vector 016 is only checked as a fingerprint above.
  it.each(SPEC_VECTORS.filter((v) => v.input !== '[  ]'))(
    'reduces $input to the spec canonical form',
    ({ input, canonical }) => {
      expect(parsingCanonicalForm(JSON.parse(input))).toBe(canonical);
    },
  );

  it('drops logical types, docs and defaults from a record field', () => {
    const schema: avro.Schema = {
      type: 'record',
      name: 'E',
      namespace: 'n',
      doc: 'd',
      fields: [
        {
          name: 't',
          type: { type: 'long', logicalType: 'timestamp-millis' },
          doc: 'x',
          default: 0,
        },
      ],
    };
    expect(parsingCanonicalForm(schema)).toBe(
      '{"name":"n.E","type":"record","fields":[{"name":"t","type":"long"}]}',
    );
  });
});

describe('fingerprintHex', () => {
  it('prints the 8 bytes little-endian, the order of a single-object header', () => {
    // "int" = 0x7275d51a3f395c8f, so the header carries 8f 5c 39 3f 1a d5 75 72.
    expect(fingerprintHex('int')).toBe('8f5c393f1ad57572');
  });
});
