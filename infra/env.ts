/**
 * The one place entry points read environment variables. Each read fails fast with a message that
 * names the variable and what was expected, so a misconfigured deploy fails at cold start rather
 * than on the first record.
 */

import { ConfigError } from './errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** A required string variable. */
export function requireEnv(name: string, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigError(`environment variable ${name} is required but not set`, { name });
  }
  return value;
}

/** An optional string variable with a default. */
export function optionalEnv(name: string, fallback: string, env: Env = process.env): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** An optional integer variable with a default, checked against an inclusive range. */
export function intEnv(
  name: string,
  fallback: number,
  range: { readonly min?: number; readonly max?: number } = {},
  env: Env = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `environment variable ${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`,
      { name },
    );
  }
  return value;
}
