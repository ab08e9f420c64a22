/**
 * Matches an event against a compiled pattern, with EventBridge's semantics:
 * - fields of one object level are AND-ed, the values of a field's array are OR-ed;
 * - arrays in the event are "crushed": a field matches if any element matches, and a nested
 *   object pattern matches if one array element (object) satisfies all of its fields, so two
 *   fields never match across different elements of the same array (event-ruler's
 *   array-consistent matching);
 * - only leaf values (strings, numbers, booleans, null) match; an object is not a leaf, so
 *   `exists: true` is false for it and `exists: false` true;
 * - `exists: false` holds when no leaf exists at the field's path anywhere in the event.
 */

import { ipInRange } from './cidr.ts';
import type {
  CompiledPattern,
  Condition,
  Exclusion,
  LeafMatcher,
  NumericRange,
  PatternNode,
  ValueMatcher,
} from './types.ts';
import { matchesWildcard } from './wildcard.ts';

type Leaf = string | number | boolean | null;
type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Whether the event (a parsed JSON value) matches the pattern.
 *
 * @example
 * matches(compilePattern('{"detail":{"state":[{"anything-but":"initializing"}]}}'),
 *   { detail: { state: 'running' } }); // true
 */
export function matches(pattern: CompiledPattern, event: unknown): boolean {
  return matchNode(pattern.root, event, event);
}

function matchNode(node: PatternNode, value: unknown, root: unknown): boolean {
  const found = objectsOf(value);
  // A missing object still lets `exists: false` fields hold, so try an empty one.
  const candidates = found.length > 0 ? found : [{}];
  return candidates.some((candidate) => holdsAll(node, candidate, root));
}

function holdsAll(node: PatternNode, candidate: JsonObject, root: unknown): boolean {
  return node.allOf.every((condition) => holds(condition, candidate, root));
}

function holds(condition: Condition, candidate: JsonObject, root: unknown): boolean {
  switch (condition.kind) {
    case 'field': {
      const leaves = leavesOf(candidate[condition.key]);
      return condition.anyOf.some((m) => valueMatches(m, leaves, root));
    }
    case 'object':
      return matchNode(condition.node, candidate[condition.key], root);
    case 'or':
      return condition.branches.some((branch) => holdsAll(branch, candidate, root));
  }
}

function valueMatches(matcher: ValueMatcher, leaves: readonly Leaf[], root: unknown): boolean {
  switch (matcher.kind) {
    case 'exists':
      return leaves.length > 0;
    case 'absent':
      return leavesAtPath(root, matcher.path).length === 0;
    default:
      return leaves.some((leaf) => leafMatches(matcher, leaf));
  }
}

function leafMatches(matcher: LeafMatcher, leaf: Leaf): boolean {
  switch (matcher.kind) {
    case 'exact':
      return leaf === matcher.value;
    case 'prefix':
      return (
        typeof leaf === 'string' &&
        (matcher.ignoreCase
          ? fold(leaf).startsWith(fold(matcher.value))
          : leaf.startsWith(matcher.value))
      );
    case 'suffix':
      return (
        typeof leaf === 'string' &&
        (matcher.ignoreCase
          ? fold(leaf).endsWith(fold(matcher.value))
          : leaf.endsWith(matcher.value))
      );
    case 'equals-ignore-case':
      return typeof leaf === 'string' && fold(leaf) === fold(matcher.value);
    case 'wildcard':
      return typeof leaf === 'string' && matchesWildcard(matcher.wildcard, leaf);
    case 'numeric':
      return typeof leaf === 'number' && inRange(leaf, matcher.range);
    case 'cidr':
      return typeof leaf === 'string' && ipInRange(leaf, matcher.range);
    case 'anything-but':
      return !excluded(matcher.exclude, leaf);
  }
}

/** A value of another type than the exclusion's is never excluded (event-ruler semantics). */
function excluded(exclusion: Exclusion, leaf: Leaf): boolean {
  if (exclusion.kind === 'numbers') {
    return typeof leaf === 'number' && exclusion.values.includes(leaf);
  }
  if (typeof leaf !== 'string') return false;
  switch (exclusion.kind) {
    case 'strings':
      return exclusion.values.has(leaf);
    case 'prefix':
      return leaf.startsWith(exclusion.value);
    case 'suffix':
      return leaf.endsWith(exclusion.value);
    case 'equals-ignore-case':
      return [...exclusion.values].some((v) => fold(v) === fold(leaf));
    case 'wildcard':
      return exclusion.wildcards.some((w) => matchesWildcard(w, leaf));
  }
}

function inRange(n: number, range: NumericRange): boolean {
  const { lower, upper } = range;
  if (lower !== undefined && (lower.inclusive ? n < lower.value : n <= lower.value)) return false;
  if (upper !== undefined && (upper.inclusive ? n > upper.value : n >= upper.value)) return false;
  return true;
}

function fold(text: string): string {
  return text.toLowerCase();
}

/** The objects a value stands for: itself, or the objects inside (nested) arrays. */
function objectsOf(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(objectsOf);
  return typeof value === 'object' && value !== null ? [value as JsonObject] : [];
}

/** The leaf values a field holds, with arrays crushed; objects are not leaves. */
function leavesOf(value: unknown): Leaf[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  if (typeof value === 'object' && value !== null) return [];
  return [value as Leaf];
}

function leavesAtPath(root: unknown, path: readonly string[]): Leaf[] {
  let current: unknown[] = [root];
  for (const step of path) {
    current = current.flatMap(objectsOf).map((object) => object[step]);
  }
  return current.flatMap(leavesOf);
}
