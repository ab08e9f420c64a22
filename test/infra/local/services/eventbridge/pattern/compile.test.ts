import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidEventPatternError,
} from '../../../../../../infra/local/services/eventbridge/pattern/index.ts';

function reject(pattern: string): InvalidEventPatternError {
  try {
    compilePattern(pattern);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    return error as InvalidEventPatternError;
  }
  throw new Error(`pattern was accepted: ${pattern}`);
}

describe('compilePattern rejects what EventBridge rejects', () => {
  it.each([
    ['not JSON', '{"source": ['],
    ['a top-level array', '["aws.ec2"]'],
    ['an empty object', '{}'],
    ['a scalar field', '{"source": "aws.ec2"}'],
    ['an empty value array', '{"source": []}'],
    ['a nested array value', '{"source": [["aws.ec2"]]}'],
    ['an unknown operator', '{"source": [{"contains": "ec2"}]}'],
    ['two operators in one expression', '{"source": [{"prefix": "a", "suffix": "b"}]}'],
    ['a numeric prefix', '{"source": [{"prefix": 1}]}'],
    ['anything-but with mixed types', '{"a": [{"anything-but": ["x", 1]}]}'],
    ['anything-but with null', '{"a": [{"anything-but": null}]}'],
    ['anything-but with an empty prefix', '{"a": [{"anything-but": {"prefix": ""}}]}'],
    [
      'anything-but with an unsupported operator',
      '{"a": [{"anything-but": {"numeric": [">", 1]}}]}',
    ],
    ['numeric that is not an array', '{"a": [{"numeric": 5}]}'],
    ['a numeric operator that does not exist', '{"a": [{"numeric": ["!=", 5]}]}'],
    ['a numeric range upside down', '{"a": [{"numeric": [">", 5, "<", 1]}]}'],
    ['a numeric range with a second lower bound', '{"a": [{"numeric": [">", 1, ">", 5]}]}'],
    ['a numeric string value', '{"a": [{"numeric": [">", "5"]}]}'],
    ['too many numeric terms', '{"a": [{"numeric": ["=", 5, "<", 6]}]}'],
    ['exists that is not boolean', '{"a": [{"exists": "yes"}]}'],
    ['consecutive wildcards', '{"a": [{"wildcard": "a**b"}]}'],
    ['a bad wildcard escape', '{"a": [{"wildcard": "a\\\\nb"}]}'],
    ['a malformed cidr', '{"a": [{"cidr": "10.0.0.0/33"}]}'],
    ['$or that is not an array', '{"$or": {"a": ["x"]}}'],
    ['$or with one branch', '{"$or": [{"a": ["x"]}]}'],
    ['$or with a non-object branch', '{"$or": [{"a": ["x"]}, "b"]}'],
    ['an operator name as field inside $or', '{"$or": [{"prefix": ["x"]}, {"b": ["y"]}]}'],
  ])('rejects %s', (_what, pattern) => {
    expect(reject(pattern).message).toMatch(/^Event pattern is not valid/);
  });

  it('names the offending field in the message and in path', () => {
    const error = reject('{"detail": {"score": [{"numeric": [">", "x"]}]}}');
    expect(error.path).toBe('detail.score');
    expect(error.message).toContain('"detail.score"');
    expect(error.message).toContain('must be numeric');
  });

  it('accepts every documented operator in one pattern', () => {
    const pattern = JSON.stringify({
      source: ['a', 1, true, null, ''],
      detail: {
        p: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }],
        s: [{ suffix: 'x' }, { suffix: { 'equals-ignore-case': 'x' } }],
        e: [{ 'equals-ignore-case': 'x' }, { wildcard: 'a*b\\*c\\\\' }],
        n: [{ numeric: ['>=', 0, '<', 1] }, { numeric: ['=', 5] }, { numeric: ['<=', -1] }],
        ab: [
          { 'anything-but': 'x' },
          { 'anything-but': [1, 2] },
          { 'anything-but': { suffix: '.png' } },
          { 'anything-but': { 'equals-ignore-case': ['a', 'b'] } },
          { 'anything-but': { wildcard: '*/lib/*' } },
        ],
        x: [{ exists: true }],
        y: [{ exists: false }],
        ip: [{ cidr: '10.0.0.0/8' }, { cidr: '::1/128' }],
      },
      $or: [{ a: ['1'] }, { b: { c: ['2'] } }],
    });
    expect(compilePattern(pattern).source).toBe(pattern);
  });

  it('uses the last of duplicate keys, as EventBridge does', () => {
    const p = compilePattern(
      '{"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}',
    );
    expect(p.root.allOf).toHaveLength(1);
  });
});
