/**
 * CRC-64-AVRO, the 64-bit Rabin fingerprint that the Avro specification defines for schemas
 * ("Schema Fingerprints"), computed over a schema's Parsing Canonical Form.
 *
 * avsc's own `type.fingerprint()` is MD5 (or any `crypto` hash); single-object encoding needs
 * this one, so it is implemented here. It runs once per schema at load time, so BigInt is fine.
 */

import avro from 'avsc';

/** The fingerprint of the empty byte string; also the polynomial (spec: `EMPTY`). */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK_64 = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = (() => {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) {
      // `EMPTY & -(fp & 1)` in the spec's Java: all ones when the low bit is set.
      fp = (fp >> 1n) ^ ((fp & 1n) === 1n ? EMPTY : 0n);
    }
    table.push(fp);
  }
  return table;
})();

/** CRC-64-AVRO of raw bytes, as an unsigned 64-bit value. */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of bytes) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(byte)) & 0xffn)]!;
  }
  return fp & MASK_64;
}

/**
 * A schema's Parsing Canonical Form (spec: "Parsing Canonical Form for Schemas").
 *
 * avsc's `getSchema()` without `exportAttrs` already applies the PCF transformations (full names,
 * no doc/aliases/defaults/logical types, `{"type":"int"}` collapsed to `"int"`, fields in the
 * spec's order); the test suite checks that against the specification's own test vectors.
 */
export function parsingCanonicalForm(schema: avro.Schema): string {
  const type = schema instanceof avro.Type ? schema : avro.Type.forSchema(schema);
  return JSON.stringify(type.schema());
}

/**
 * The fingerprint as the 8 bytes of a single-object header: little-endian, as the spec's
 * single-object encoding writes it.
 */
export function fingerprintBytes(schema: avro.Schema): Buffer {
  const fp = crc64Avro(Buffer.from(parsingCanonicalForm(schema), 'utf8'));
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(fp);
  return out;
}

/** The fingerprint as 16 hex digits, bytes in header order (what `schemas fingerprint` prints). */
export function fingerprintHex(schema: avro.Schema): string {
  return fingerprintBytes(schema).toString('hex');
}
