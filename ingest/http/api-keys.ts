/**
 * API key check in constant time. Each key is compared through its SHA-256 digest, so the
 * comparison takes the same time whatever the length or content of the presented key, and every
 * configured key is compared (no early exit that would reveal which one matched first).
 */

import { createHash, timingSafeEqual } from 'node:crypto';

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The configured keys, hashed once. */
export class ApiKeys {
  readonly #digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.#digests = keys.map(digest);
  }

  /** Index of the matching key (the caller's identity for rate limits), or -1. */
  match(presented: string | undefined): number {
    const candidate = digest(presented ?? '');
    let found = -1;
    for (let i = 0; i < this.#digests.length; i++) {
      if (timingSafeEqual(candidate, this.#digests[i]!) && found < 0) found = i;
    }
    return presented === undefined || presented === '' ? -1 : found;
  }
}
