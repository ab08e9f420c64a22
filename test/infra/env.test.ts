import { describe, expect, it } from 'vitest';
import { intEnv, optionalEnv, requireEnv } from '../../infra/env.ts';
import { ConfigError } from '../../infra/errors.ts';

describe('requireEnv', () => {
  it('returns a set variable', () => {
    expect(requireEnv('STREAM_NAME', { STREAM_NAME: 's' })).toBe('s');
  });

  it('names the missing variable', () => {
    expect(() => requireEnv('STREAM_NAME', {})).toThrow(ConfigError);
    expect(() => requireEnv('STREAM_NAME', { STREAM_NAME: '' })).toThrow(/STREAM_NAME/);
  });
});

describe('optionalEnv', () => {
  it('falls back when unset or empty', () => {
    expect(optionalEnv('X', 'd', {})).toBe('d');
    expect(optionalEnv('X', 'd', { X: '' })).toBe('d');
    expect(optionalEnv('X', 'd', { X: 'v' })).toBe('v');
  });
});

describe('intEnv', () => {
  it('parses integers inside the range', () => {
    expect(intEnv('N', 5, { min: 1, max: 10 }, { N: '10' })).toBe(10);
    expect(intEnv('N', 5, {}, {})).toBe(5);
  });

  it('rejects values outside the range or not integers, showing the value', () => {
    expect(() => intEnv('N', 5, { min: 1, max: 10 }, { N: '11' })).toThrow(/N must be .*"11"/);
    expect(() => intEnv('N', 5, {}, { N: '1.5' })).toThrow(ConfigError);
    expect(() => intEnv('N', 5, {}, { N: 'abc' })).toThrow(ConfigError);
  });
});
