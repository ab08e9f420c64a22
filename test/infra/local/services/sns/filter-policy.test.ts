import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../../../infra/local/services/http/errors.ts';
import {
  matchesAttributes,
  matchesBody,
  parseFilterPolicy,
} from '../../../../../infra/local/services/sns/filter-policy.ts';

const str = (StringValue: string) => ({ DataType: 'String', StringValue });
const num = (n: number) => ({ DataType: 'Number', StringValue: String(n) });

describe('filter policies on message attributes', () => {
  const matches = (policy: object, attributes: Parameters<typeof matchesAttributes>[1]) =>
    matchesAttributes(parseFilterPolicy(JSON.stringify(policy), 'MessageAttributes'), attributes);

  it('matches exact strings, any of a list, and requires every key', () => {
    expect(matches({ a: ['x', 'y'] }, { a: str('y') })).toBe(true);
    expect(matches({ a: ['x'] }, { a: str('z') })).toBe(false);
    expect(matches({ a: ['x'], b: ['y'] }, { a: str('x') })).toBe(false);
  });

  it('matches prefix, suffix, equals-ignore-case and anything-but', () => {
    expect(matches({ a: [{ prefix: 'spi' }] }, { a: str('spike') })).toBe(true);
    expect(matches({ a: [{ suffix: 'ke' }] }, { a: str('spike') })).toBe(true);
    expect(matches({ a: [{ 'equals-ignore-case': 'SPIKE' }] }, { a: str('spike') })).toBe(true);
    expect(matches({ a: [{ 'anything-but': ['spike'] }] }, { a: str('spike') })).toBe(false);
    expect(matches({ a: [{ 'anything-but': { prefix: 'sp' } }] }, { a: str('drop') })).toBe(true);
    expect(matches({ a: [{ 'anything-but': 'x' }] }, {})).toBe(false);
  });

  it('compares numbers at the exact edges of numeric ranges', () => {
    const policy = { n: [{ numeric: ['>', 0, '<=', 5] }] };
    expect(matches(policy, { n: num(0) })).toBe(false);
    expect(matches(policy, { n: num(0.0001) })).toBe(true);
    expect(matches(policy, { n: num(5) })).toBe(true);
    expect(matches(policy, { n: num(5.0001) })).toBe(false);
    expect(matches({ n: [5] }, { n: num(5) })).toBe(true);
  });

  it('matches String.Array attributes when any element matches, and honours exists', () => {
    expect(
      matches({ a: ['y'] }, { a: { DataType: 'String.Array', StringValue: '["x","y"]' } }),
    ).toBe(true);
    expect(matches({ a: [{ exists: true }] }, { a: str('v') })).toBe(true);
    expect(matches({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: str('v') })).toBe(false);
  });

  it('takes alternatives with $or', () => {
    const policy = { $or: [{ a: ['x'] }, { b: ['y'] }] };
    expect(matches(policy, { b: str('y') })).toBe(true);
    expect(matches(policy, { a: str('no'), b: str('no') })).toBe(false);
  });

  it('refuses malformed policies and more than 5 keys with InvalidParameter', () => {
    const bad = [
      '[]',
      '{"a":"x"}',
      '{"a":[]}',
      '{"a":[{"nope":1}]}',
      '{"a":[{"numeric":["~",1]}]}',
      '{"a":{"b":["x"]}}',
    ];
    for (const text of bad) {
      expect(() => parseFilterPolicy(text, 'MessageAttributes')).toThrow(AwsServiceError);
    }
    const six = JSON.stringify(
      Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, ['x']])),
    );
    expect(() => parseFilterPolicy(six, 'MessageAttributes')).toThrow(/more than 5 keys/);
    const five = JSON.stringify(
      Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, ['x']])),
    );
    expect(() => parseFilterPolicy(five, 'MessageAttributes')).not.toThrow();
  });

  it('matches a string attribute exactly when the policy lists that string (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (listed, value) => {
        expect(matches({ k: [listed] }, { k: str(value) })).toBe(listed === value);
      }),
    );
  });
});

describe('filter policies on the message body', () => {
  const policy = parseFilterPolicy(
    JSON.stringify({ anomaly: { kind: ['spike'], score: [{ numeric: ['>=', 3] }] } }),
    'MessageBody',
  );

  it('walks nested keys and matches array elements', () => {
    expect(matchesBody(policy, JSON.stringify({ anomaly: { kind: 'spike', score: 3 } }))).toBe(
      true,
    );
    expect(
      matchesBody(policy, JSON.stringify({ anomaly: { kind: ['drop', 'spike'], score: 4 } })),
    ).toBe(true);
    expect(matchesBody(policy, JSON.stringify({ anomaly: { kind: 'spike', score: 2 } }))).toBe(
      false,
    );
    expect(matchesBody(policy, JSON.stringify({ other: 1 }))).toBe(false);
  });

  it('never matches a body that is not a JSON object', () => {
    expect(matchesBody(policy, 'plain text')).toBe(false);
  });
});
