/**
 * The checks that keep `schemas/` honest, run by `npm test` (test/schemas/catalog.test.ts) and
 * by `npm run schemas -- check`:
 *
 * - every current schema in `avsc/` equals the newest published version in `history/` (an edit
 *   that was not published fails, so "current" cannot silently differ from what readers know);
 * - every published history is fully transitively compatible (see `compatibility.ts`);
 * - every record, enum and field has a `doc`;
 * - the generated catalog matches the history files.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type avro from 'avsc';
import { checkHistory, describeViolation } from './compatibility.ts';
import { readHistory, readSchemaFile, SCHEMA_NAMES, SCHEMAS_DIR } from './generate.ts';
import { SCHEMA_HISTORY } from './generated/catalog.ts';

/** A problem found in the schema folder. */
export type CatalogProblem =
  | { readonly kind: 'unpublished-change'; readonly schema: string; readonly message: string }
  | { readonly kind: 'incompatible'; readonly schema: string; readonly message: string }
  | { readonly kind: 'missing-doc'; readonly schema: string; readonly message: string }
  | { readonly kind: 'stale-generated'; readonly schema: string; readonly message: string };

/** Paths (`Record.field`) of named types and fields without a non-empty `doc`. */
export function undocumented(schema: unknown, path = ''): readonly string[] {
  if (Array.isArray(schema)) return schema.flatMap((branch) => undocumented(branch, path));
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const here = typeof node.name === 'string' ? (path ? `${path}.${node.name}` : node.name) : path;
  const missing: string[] = [];
  const named = node.type === 'record' || node.type === 'enum' || node.type === 'fixed';
  if (named && !hasDoc(node)) missing.push(here);
  if (node.type === 'record' && Array.isArray(node.fields)) {
    for (const field of node.fields as Record<string, unknown>[]) {
      const fieldPath = `${here}.${String(field.name)}`;
      if (!hasDoc(field)) missing.push(fieldPath);
      missing.push(...undocumented(field.type, fieldPath));
    }
  }
  for (const key of ['items', 'values'] as const) {
    if (key in node) missing.push(...undocumented(node[key], here));
  }
  return missing;
}

function hasDoc(node: Record<string, unknown>): boolean {
  return typeof node.doc === 'string' && node.doc.trim().length > 0;
}

/** Runs every check over the schema folder `dir` (default: this package's). */
export function checkCatalog(dir: string = SCHEMAS_DIR): readonly CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  for (const name of SCHEMA_NAMES) {
    const history = readHistory(name, dir);
    const newest = history[history.length - 1]!;
    const currentFile = join(dir, 'avsc', `${name}.avsc`);
    if (!existsSync(currentFile)) {
      problems.push({
        kind: 'unpublished-change',
        schema: name,
        message: `${currentFile} is missing`,
      });
    } else if (!isDeepStrictEqual(readSchemaFile(currentFile), newest.schema)) {
      problems.push({
        kind: 'unpublished-change',
        schema: name,
        message: `avsc/${name}.avsc differs from its newest published version history/${name}/v${newest.version}.avsc: run \`npm run schemas -- publish ${name}\``,
      });
    }
    for (const violation of checkHistory(history.map((v) => v.schema as avro.Schema))) {
      problems.push({
        kind: 'incompatible',
        schema: name,
        message: describeViolation(name, violation),
      });
    }
    for (const version of history) {
      for (const path of undocumented(version.schema)) {
        problems.push({
          kind: 'missing-doc',
          schema: name,
          message: `${version.file}: ${path} has no "doc"`,
        });
      }
    }
    if (
      dir === SCHEMAS_DIR &&
      !isDeepStrictEqual(
        SCHEMA_HISTORY[name],
        history.map((v) => v.schema),
      )
    ) {
      problems.push({
        kind: 'stale-generated',
        schema: name,
        message: `schemas/generated/catalog.ts is out of date for ${name}: run \`npm run schemas -- generate\``,
      });
    }
  }
  return problems;
}
