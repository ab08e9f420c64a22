/**
 * Property: a pattern that matches an event never matches it once the matched field is removed,
 * unless the pattern says `exists: false` for it (then the removal makes it match).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  matches,
} from '../../../../../../infra/local/services/eventbridge/pattern/index.ts';

type Leaf = string | number | boolean | null;
type Json = Leaf | Json[] | { [key: string]: Json };

const key = fc.constantFrom('a', 'b', 'c', 'source', 'detail', 'x-y');
const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const event = fc.dictionary(key, json, { minKeys: 1, maxKeys: 5 });

/** Paths from the root to a leaf through objects only (arrays are left out to keep paths exact). */
function leafPaths(value: Json, prefix: string[] = []): { path: string[]; leaf: Leaf }[] {
  if (value === null || typeof value !== 'object') return [{ path: prefix, leaf: value }];
  if (Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** A match expression that the leaf satisfies, chosen by `pick`. */
function matcherFor(value: Leaf, pick: number): unknown {
  if (typeof value === 'string') {
    const options = [
      value,
      { prefix: value.slice(0, 2) },
      { suffix: value.slice(-2) },
      {
        'equals-ignore-case':
          value.toUpperCase() === value.toLowerCase() ? value : value.toUpperCase(),
      },
      { wildcard: '*' },
      { 'anything-but': `${value}!` },
      { exists: true },
    ];
    return options[pick % options.length];
  }
  if (typeof value === 'number') {
    const options = [
      value,
      { numeric: ['=', value] },
      { numeric: ['>=', value, '<', value + 1] },
      { 'anything-but': value + 1 },
      { exists: true },
    ];
    return options[pick % options.length];
  }
  return pick % 2 === 0 ? value : { exists: true };
}

function nest(path: readonly string[], values: unknown[]): Record<string, unknown> {
  let node: unknown = values;
  for (let i = path.length - 1; i >= 0; i--) node = { [path[i]!]: node };
  return node as Record<string, unknown>;
}

function without(value: Json, path: readonly string[]): Json {
  if (path.length === 0 || value === null || typeof value !== 'object' || Array.isArray(value))
    return value;
  const [head, ...rest] = path as [string, ...string[]];
  const copy = { ...value };
  if (rest.length === 0) delete copy[head];
  else if (copy[head] !== undefined) copy[head] = without(copy[head], rest);
  return copy;
}

const target = event
  .map((e) => ({ e, paths: leafPaths(e).filter((p) => p.path.length > 0) }))
  .filter(({ paths }) => paths.length > 0);

describe('a pattern and the field it matches', () => {
  it('never matches once the matched field is removed', () => {
    fc.assert(
      fc.property(target, fc.nat(), fc.nat(), ({ e, paths }, which, pick) => {
        const { path, leaf: value } = paths[which % paths.length]!;
        const pattern = compilePattern(JSON.stringify(nest(path, [matcherFor(value, pick)])));
        expect(matches(pattern, e)).toBe(true);
        expect(matches(pattern, without(e, path))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps not matching when other AND-ed fields of the pattern still match', () => {
    fc.assert(
      fc.property(target, fc.nat(), fc.nat(), ({ e, paths }, which, pick) => {
        const { path } = paths[which % paths.length]!;
        // A pattern over every leaf path of the event, each with its own matcher.
        const pattern = {};
        for (const [i, p] of paths.entries())
          merge(pattern, nest(p.path, [matcherFor(p.leaf, pick + i)]));
        const compiled = compilePattern(JSON.stringify(pattern));
        expect(matches(compiled, e)).toBe(true);
        expect(matches(compiled, without(e, path))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('with exists: false, matches only once the field is removed', () => {
    fc.assert(
      fc.property(target, fc.nat(), ({ e, paths }, which) => {
        const { path } = paths[which % paths.length]!;
        const pattern = compilePattern(JSON.stringify(nest(path, [{ exists: false }])));
        expect(matches(pattern, e)).toBe(false);
        expect(matches(pattern, without(e, path))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const existing = into[k];
    if (
      existing &&
      typeof existing === 'object' &&
      !Array.isArray(existing) &&
      v &&
      typeof v === 'object' &&
      !Array.isArray(v)
    ) {
      merge(existing as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      into[k] = v;
    }
  }
}
