import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileWildcard,
  matchesWildcard,
} from '../../../../../../infra/local/services/eventbridge/pattern/wildcard.ts';

/** The obvious regular-expression reading of a wildcard without escapes, as a reference. */
function reference(wildcard: string, text: string): boolean {
  const body = wildcard
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${body}$`).test(text);
}

describe('matchesWildcard', () => {
  it('agrees with a regular-expression reference on random wildcards and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', '*');
    const wildcard = fc
      .array(alphabet, { maxLength: 8 })
      .map((cs) => cs.join(''))
      .filter((w) => !w.includes('**'));
    const text = fc.array(fc.constantFrom('a', 'b'), { maxLength: 10 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(wildcard, text, (w, t) => {
        expect(matchesWildcard(compileWildcard(w, []), t)).toBe(reference(w, t));
      }),
      { numRuns: 2_000 },
    );
  });

  it('handles the edges: empty, star only, overlapping first and last segments', () => {
    const m = (w: string, t: string) => matchesWildcard(compileWildcard(w, []), t);
    expect(m('', '')).toBe(true);
    expect(m('', 'a')).toBe(false);
    expect(m('*', '')).toBe(true);
    expect(m('a*a', 'a')).toBe(false);
    expect(m('a*a', 'aa')).toBe(true);
    expect(m('ab*ba', 'aba')).toBe(false);
  });

  it('reads escapes: \\* is an asterisk, \\\\ a backslash', () => {
    const w = compileWildcard('a\\**\\\\', []);
    expect(w.segments).toEqual(['a*', '\\']);
    expect(matchesWildcard(w, 'a*xyz\\')).toBe(true);
    expect(matchesWildcard(w, 'axyz\\')).toBe(false);
  });

  it('stays fast on a pattern that makes backtracking regexes explode', () => {
    const w = compileWildcard(`${'a*'.repeat(20)}b`, []);
    // Bounded work, not a timing assertion: the answer must simply come back.
    expect(matchesWildcard(w, 'a'.repeat(5_000))).toBe(false);
  });
});
