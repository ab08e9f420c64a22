/**
 * Publishing a schema change: `avsc/<Name>.avsc` becomes `history/<Name>/v<N+1>.avsc` if and
 * only if it is fully transitively compatible with every published version, then the generated
 * catalog is rewritten so the codec knows the new version. A change that leaves the Parsing
 * Canonical Form alone (a doc edit) amends the newest version instead.
 */

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type avro from 'avsc';
import { type CompatibilityViolation, checkEvolution } from './compatibility.ts';
import { parsingCanonicalForm } from './fingerprint.ts';
import { readHistory, readSchemaFile, SCHEMAS_DIR, writeCatalog } from './generate.ts';

/** What `publishSchema` did. */
export type PublishOutcome =
  | { readonly status: 'published'; readonly version: number; readonly file: string }
  | { readonly status: 'unchanged'; readonly version: number }
  | { readonly status: 'amended'; readonly version: number; readonly file: string }
  | { readonly status: 'incompatible'; readonly violations: readonly CompatibilityViolation[] };

/** Publishes the current `avsc/<name>.avsc` as the next version, when it is safe. */
export function publishSchema(name: string, dir: string = SCHEMAS_DIR): PublishOutcome {
  const history = readHistory(name, dir);
  const currentFile = join(dir, 'avsc', `${name}.avsc`);
  const candidate = readSchemaFile(currentFile);
  const newest = history[history.length - 1]!;
  if (isDeepStrictEqual(candidate, newest.schema)) {
    return { status: 'unchanged', version: newest.version };
  }
  // Docs, defaults' spelling, key order: the canonical form (and so the fingerprint) is the same,
  // so the newest version is amended in place instead of published as a clashing new one.
  if (
    parsingCanonicalForm(candidate as avro.Schema) ===
    parsingCanonicalForm(newest.schema as avro.Schema)
  ) {
    copyFileSync(currentFile, newest.file);
    writeCatalog(dir);
    return { status: 'amended', version: newest.version, file: newest.file };
  }
  const violations = checkEvolution(
    history.map((v) => v.schema as avro.Schema),
    candidate as avro.Schema,
  );
  if (violations.length > 0) return { status: 'incompatible', violations };
  const version = newest.version + 1;
  const file = join(dir, 'history', name, `v${version}.avsc`);
  copyFileSync(currentFile, file);
  writeCatalog(dir);
  return { status: 'published', version, file };
}
