/**
 * The compiled form of an EventBridge event pattern: a tree of AND-ed conditions per object
 * level, with `$or` as a condition that holds when any branch holds. Matchers are a tagged
 * union so the matcher is a lookup of pure predicates, not a chain of string tests.
 */

import type { Wildcard } from './wildcard.ts';

/** A comparison on one leaf value of the event (strings, numbers, booleans, null). */
export type LeafMatcher =
  | { readonly kind: 'exact'; readonly value: string | number | boolean | null }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly wildcard: Wildcard }
  | { readonly kind: 'numeric'; readonly range: NumericRange }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'anything-but'; readonly exclude: Exclusion };

/** What an `anything-but` excludes; a value of another type is never excluded. */
export type Exclusion =
  | { readonly kind: 'strings'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'numbers'; readonly values: readonly number[] }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'suffix'; readonly value: string }
  | { readonly kind: 'equals-ignore-case'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'wildcard'; readonly wildcards: readonly Wildcard[] };

/** A numeric interval; `undefined` bounds are open-ended. */
export interface NumericRange {
  readonly lower?: { readonly value: number; readonly inclusive: boolean };
  readonly upper?: { readonly value: number; readonly inclusive: boolean };
}

/** An inclusive range of IP addresses of one family, as integers. */
export interface IpRange {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * One value of a field's array: a leaf matcher, or `exists`. `exists: false` is checked
 * against the whole event (the field's absolute path), as EventBridge flattens the event.
 */
export type ValueMatcher =
  | LeafMatcher
  | { readonly kind: 'exists' }
  | { readonly kind: 'absent'; readonly path: readonly string[] };

/** A condition at one object level of the pattern. */
export type Condition =
  | { readonly kind: 'field'; readonly key: string; readonly anyOf: readonly ValueMatcher[] }
  | { readonly kind: 'object'; readonly key: string; readonly node: PatternNode }
  | { readonly kind: 'or'; readonly branches: readonly PatternNode[] };

/** All conditions of one object level; each must hold. */
export interface PatternNode {
  readonly allOf: readonly Condition[];
}

/** A pattern ready for {@link matches}; build it with `compilePattern`. */
export interface CompiledPattern {
  readonly root: PatternNode;
  /** The pattern text it was compiled from, kept for ListRules and persistence. */
  readonly source: string;
}
