import { describe, expect, it } from 'vitest';
import { checkCatalog } from '../../schemas/catalog-check.ts';

// The gate: `npm test` fails when a schema edit is unpublished, breaks reading an earlier
// version in either direction, lacks docs, or the generated catalog is stale.
describe('schemas/ as committed', () => {
  it('passes every catalog check', () => {
    expect(checkCatalog().map((problem) => problem.message)).toEqual([]);
  });
});
