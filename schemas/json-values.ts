/**
 * Plain JSON <-> avsc values, for the CLI. Users write records as ordinary JSON (unions
 * unwrapped, as our TypeScript types have them); the only Avro type JSON cannot carry is
 * `bytes`, which is written as a base64 string both ways.
 */

import type avro from 'avsc';

/** The parts of avsc's type classes this walk reads. */
interface TypeShape {
  readonly typeName: string;
  readonly fields?: readonly { readonly name: string; readonly type: TypeShape }[];
  readonly types?: readonly TypeShape[];
  readonly valuesType?: TypeShape;
  readonly itemsType?: TypeShape;
  readonly underlyingType?: TypeShape;
  isValid(value: unknown): boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function convert(type: TypeShape, json: unknown): unknown {
  switch (type.typeName) {
    case 'bytes':
    case 'fixed':
      return typeof json === 'string' ? Buffer.from(json, 'base64') : json;
    case 'record':
    case 'error': {
      if (!isObject(json)) return json;
      const out: Record<string, unknown> = { ...json };
      for (const field of type.fields ?? []) {
        if (field.name in json) out[field.name] = convert(field.type, json[field.name]);
      }
      return out;
    }
    case 'map': {
      if (!isObject(json)) return json;
      const values = type.valuesType!;
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, convert(values, v)]));
    }
    case 'array':
      return Array.isArray(json) ? json.map((item) => convert(type.itemsType!, item)) : json;
    default:
      if (type.typeName.startsWith('union')) {
        // The first branch the value converts into validly, as avsc would pick on write.
        for (const branch of type.types ?? []) {
          const candidate = convert(branch, json);
          if (branch.isValid(candidate)) return candidate;
        }
        return json;
      }
      if (type.typeName.startsWith('logical') && type.underlyingType) {
        return convert(type.underlyingType, json);
      }
      return json;
  }
}

/** Turns a parsed JSON value into the value avsc expects for `type` (base64 strings to bytes). */
export function fromJson(type: avro.Type, json: unknown): unknown {
  return convert(type as unknown as TypeShape, json);
}

/** Turns a decoded avsc value into plain JSON-ready data (bytes to base64 strings). */
export function toJson(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}
