/**
 * EventBridge wildcard strings: `*` matches zero or more characters, `\*` is a literal asterisk
 * and `\\` a literal backslash. Two unescaped `*` in a row and any other backslash escape are
 * rejected, as EventBridge rejects them (aws/event-ruler, WildcardParser).
 *
 * A wildcard compiles to its literal segments between stars, matched by leftmost search rather
 * than a regular expression: with only `*`, the leftmost placement of each middle segment is
 * always safe, so matching is linear in the segments searched and cannot backtrack
 * catastrophically on a hostile pattern.
 */

import { InvalidEventPatternError } from './errors.ts';

/** A compiled wildcard: the literal text between stars, in order. */
export interface Wildcard {
  readonly source: string;
  /** `segments.length - 1` stars separate the segments; a leading or trailing star gives an empty one. */
  readonly segments: readonly string[];
}

/** Parses a wildcard string, validating its escapes. */
export function compileWildcard(source: string, path: readonly string[]): Wildcard {
  const segments: string[] = [];
  let current = '';
  let previousWasStar = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(
          `wildcard "${source}" has a backslash before ${next === undefined ? 'the end' : `"${next}"`}; only \\* and \\\\ are allowed escapes`,
          { path, received: source },
        );
      }
      current += next;
      i++;
      previousWasStar = false;
    } else if (ch === '*') {
      if (previousWasStar) {
        throw new InvalidEventPatternError(
          `wildcard "${source}" has consecutive wildcard characters, which are not allowed`,
          { path, received: source },
        );
      }
      segments.push(current);
      current = '';
      previousWasStar = true;
    } else {
      current += ch;
      previousWasStar = false;
    }
  }
  segments.push(current);
  return { source, segments };
}

/** Whether `text` matches the wildcard as a whole. */
export function matchesWildcard(wildcard: Wildcard, text: string): boolean {
  const { segments } = wildcard;
  const first = segments[0]!;
  if (segments.length === 1) return text === first;
  const last = segments[segments.length - 1]!;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    const found = text.indexOf(segment, at);
    if (found < 0 || found + segment.length > end) return false;
    at = found + segment.length;
  }
  return true;
}
