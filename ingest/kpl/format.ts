/**
 * The KPL aggregated-record format, as the Kinesis Producer Library defines it
 * (amazon-kinesis-producer `aggregation-format.md`):
 *
 * ```
 * 0xF3 0x89 0x9A 0xC2 | protobuf AggregatedRecord | MD5(protobuf) (16 bytes)
 * ```
 *
 * ```proto
 * message AggregatedRecord {
 *   repeated string partition_key_table     = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records                 = 3;
 * }
 * message Record {
 *   required uint64 partition_key_index     = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes  data                    = 3;
 *   repeated Tag    tags                    = 4;
 * }
 * ```
 *
 * Only the constants and varint helpers live here; {@link ./aggregate.ts} writes the format and
 * {@link ./deaggregate.ts} reads it.
 */

/** The four bytes every aggregated record starts with. */
export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);

/** Length of the MD5 trailer. */
export const KPL_CHECKSUM_BYTES = 16;

/** Magic plus trailer: what an aggregated record adds around its protobuf message. */
export const KPL_OVERHEAD_BYTES = KPL_MAGIC.length + KPL_CHECKSUM_BYTES;

/**
 * Protobuf keys (`field << 3 | wireType`). Wire type 2 is length-delimited, 0 is varint.
 * AggregatedRecord and Record happen to share the numbers, as the table shows.
 */
export const TAG = {
  partitionKeyTable: 0x0a, // field 1, wire type 2
  explicitHashKeyTable: 0x12, // field 2, wire type 2
  records: 0x1a, // field 3, wire type 2
  partitionKeyIndex: 0x08, // field 1, wire type 0
  explicitHashKeyIndex: 0x10, // field 2, wire type 0
  data: 0x1a, // field 3, wire type 2
} as const;

/** Bytes a non-negative integer takes as a protobuf varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  // Above 2^28 bit operations would overflow 32 bits; sizes that large exceed any Kinesis limit
  // but stay correct here.
  let size = 4;
  let rest = Math.floor(value / 0x10000000);
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 0x80);
  }
  return size;
}

/** Writes a non-negative integer as a varint at `offset`; returns the offset after it. */
export function writeVarint(buf: Uint8Array, offset: number, value: number): number {
  let v = value;
  let o = offset;
  while (v >= 0x80) {
    buf[o++] = (v & 0x7f) | 0x80;
    v = v >= 0x10000000 ? Math.floor(v / 0x80) : v >>> 7;
  }
  buf[o++] = v;
  return o;
}

/**
 * True when the bytes start with the KPL magic. Our Avro records start with `C3 01`, so a record
 * with the magic is an aggregated record (whole or corrupt), never a plain one.
 */
export function hasKplMagic(data: Uint8Array): boolean {
  return (
    data.length >= KPL_MAGIC.length &&
    data[0] === 0xf3 &&
    data[1] === 0x89 &&
    data[2] === 0x9a &&
    data[3] === 0xc2
  );
}
