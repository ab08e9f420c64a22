/**
 * The Lambda entry files the app bundles, one per handler, relative to the repository root, with
 * the name of the export Lambda calls. The CDK app is the only place that names them; the local
 * stack imports the same modules directly.
 */

import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HandlerEntryError } from './errors.ts';

/** The repository root: bundling resolves `package-lock.json` and `tsconfig.json` from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where a handler is: its entry file and the function export Lambda invokes. */
export interface HandlerEntry {
  /** Absolute, or relative to {@link REPO_ROOT}. */
  readonly path: string;
  readonly exportName: string;
}

/** Entry files by handler. */
export const HANDLER_ENTRIES = {
  ingest: { path: 'ingest/handler.ts', exportName: 'handler' },
  processor: { path: 'processors/kinesis/handler.ts', exportName: 'handler' },
  query: { path: 'processors/query/handler.ts', exportName: 'handler' },
  sweep: { path: 'processors/closing/sweep-handler.ts', exportName: 'sweepHandler' },
} as const satisfies Record<string, HandlerEntry>;

/** A handler's name. */
export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** Other entries for some handlers (tests, experiments). */
export type HandlerEntryOverrides = Readonly<Partial<Record<HandlerName, HandlerEntry>>>;

/**
 * A handler's entry with an absolute path, checked to exist: esbuild's own error for a missing
 * file would not say which handler it was meant to be.
 */
export function resolveEntry(
  name: HandlerName,
  overrides: HandlerEntryOverrides = {},
): HandlerEntry {
  const entry: HandlerEntry = overrides[name] ?? HANDLER_ENTRIES[name];
  const path = isAbsolute(entry.path) ? entry.path : join(REPO_ROOT, entry.path);
  if (!existsSync(path)) throw new HandlerEntryError(name, path);
  return { path, exportName: entry.exportName };
}
