/**
 * EventBridge wildcard strings: `*` matches zero or more characters, `\*` is a literal asterisk
 * and `\\` a literal backslash. Two unescaped `*` in a row and any other backslash escape are
 * rejected, as EventBridge rejects them (aws/event-ruler, WildcardParser).
 */

import { InvalidEventPatternError } from './errors.ts';

/** Compiles a wildcard string into an anchored regular expression. */
export function compileWildcard(source: string, path: readonly string[]): RegExp {
  let regex = '';
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
      regex += escapeRegex(next);
      i++;
      previousWasStar = false;
    } else if (ch === '*') {
      if (previousWasStar) {
        throw new InvalidEventPatternError(
          `wildcard "${source}" has consecutive wildcard characters, which are not allowed`,
          { path, received: source },
        );
      }
      regex += '[\\s\\S]*';
      previousWasStar = true;
    } else {
      regex += escapeRegex(ch);
      previousWasStar = false;
    }
  }
  return new RegExp(`^${regex}$`, 'u');
}

function escapeRegex(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
