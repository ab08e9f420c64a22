/**
 * Decoding a single-object record in place, inside a larger buffer (a KPL aggregated record holds
 * hundreds), for the processor's hot path. `readSingleObject` on a view of each record costs a
 * Buffer view, an avsc Tap and a result object per record; here one Tap is reused and the
 * writer's compiled `_read` (or its resolver's, when the writer is another version) reads the
 * body straight from the shared buffer.
 *
 * Why the result is the same as decoding an exact view: avsc's reads only move forward, and they
 * consult the buffer's length only to stop at its end. When a read ends exactly at the record's
 * end without throwing, every byte it used lay inside the record, so the exact view would have
 * produced the same value. Anything else (a bad header, a throw, a body that ends early or runs
 * on) is decoded again on an exact view, which yields the value or the precise error.
 */

import avscUtils, { type Tap } from 'avsc/lib/utils.js';
import { WrongSchemaError } from './errors.ts';
import type { KnownSchema, SchemaName, SchemaRegistry } from './registry.ts';
import { HEADER_BYTES, MARKER_0, MARKER_1, readBody, readHeader } from './single-object.ts';

/** What avsc's types and resolvers have in common: a compiled reader. */
interface CompiledReader {
  _read(tap: Tap): unknown;
}

// One cursor for every in-place decode: reads are synchronous, so no two ever share it.
const tap = new avscUtils.Tap(Buffer.alloc(0));

/** The writer of the record at `buf[start, end)`, or undefined when its header is not valid. */
function writerAt(
  registry: SchemaRegistry,
  buf: Buffer,
  start: number,
  end: number,
): KnownSchema | undefined {
  if (end - start < HEADER_BYTES || buf[start] !== MARKER_0 || buf[start + 1] !== MARKER_1) {
    return undefined;
  }
  return registry.find(buf.readUInt32LE(start + 2), buf.readUInt32LE(start + 6));
}

/**
 * Decodes the single-object record at `buf[start, end)`, which must be of schema `name`, into
 * the registry's reader version of it.
 *
 * @throws {SchemaDecodeError} subclasses, exactly as `readSingleObject` on
 *   `buf.subarray(start, end)` would, and `WrongSchemaError` for a record of another schema.
 */
export function readRecordAt(
  registry: SchemaRegistry,
  name: SchemaName,
  buf: Buffer,
  start: number,
  end: number,
): unknown {
  const writer = writerAt(registry, buf, start, end);
  if (writer !== undefined && writer.name === name) {
    const reader = (writer.resolver ?? writer.reader) as unknown as CompiledReader;
    tap.buf = buf;
    tap.pos = start + HEADER_BYTES;
    let value: unknown;
    let ok = true;
    try {
      value = reader._read(tap);
    } catch {
      ok = false;
    }
    if (ok && tap.pos === end) return value;
  }
  const exact = buf.subarray(start, end);
  const known = readHeader(registry, exact);
  if (known.name !== name) throw new WrongSchemaError(name, known.name, exact.length);
  return readBody(known, exact);
}
