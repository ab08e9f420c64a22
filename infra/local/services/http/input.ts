/**
 * Reading fields of a request input (a parsed JSON body, or query parameters already shaped like
 * one) with AWS's generic errors: `MissingParameter` and `InvalidParameterValue` naming the
 * parameter and the value received. Numbers are accepted as numbers (JSON) or numeric strings
 * (query protocol).
 */

import { COMMON_ERRORS } from './errors.ts';

type Input = Readonly<Record<string, unknown>>;

function invalid(name: string, value: unknown, reason: string): Error {
  return COMMON_ERRORS.invalidParameterValue(
    `Value ${typeof value === 'string' ? value : JSON.stringify(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );
}

/** A required, non-empty string. */
export function requireString(input: Input, name: string): string {
  const value = input[name];
  if (value === undefined || value === null || value === '') {
    throw COMMON_ERRORS.missingParameter(name);
  }
  if (typeof value !== 'string') throw invalid(name, value, 'must be a string.');
  return value;
}

/** An optional string. */
export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, value, 'must be a string.');
  return value;
}

/** An optional integer in `[min, max]`. */
export function optionalInt(
  input: Input,
  name: string,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || n > range.max) {
    throw invalid(name, value, `Must be between ${range.min} and ${range.max}, if provided.`);
  }
  return n;
}

/** An optional list; absent is empty. */
export function optionalList(input: Input, name: string): readonly unknown[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(name, value, 'must be a list.');
  return value;
}

/** An optional list of strings; absent is empty. */
export function optionalStringList(input: Input, name: string): readonly string[] {
  const list = optionalList(input, name);
  for (const item of list) {
    if (typeof item !== 'string') throw invalid(name, item, 'must be a list of strings.');
  }
  return list as readonly string[];
}

/** An optional map of string to string; absent is empty. */
export function optionalStringMap(input: Input, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(name, value, 'must be a map.');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw invalid(`${name}.${k}`, v, 'must be a string.');
    }
    out[k] = String(v);
  }
  return out;
}

/** An optional object (a structure or a map of structures); absent is undefined. */
export function optionalObject(input: Input, name: string): Input | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(name, value, 'must be a structure.');
  }
  return value as Input;
}
