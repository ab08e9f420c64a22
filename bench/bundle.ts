/**
 * Bundles a benchmark's measured code the way the CDK app bundles a handler for Lambda
 * (`infra/cdk/bundle-options.ts`: one minified ES module, dependencies inside), so that the
 * figure is the speed of what Lambda runs. Under `tsx` every module is transformed on its own
 * and cross-module calls go through export getters, which costs the hot loops about a fifth.
 */

import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  BUNDLE_MAIN_FIELDS,
  BUNDLE_TARGET,
  ESM_REQUIRE_BANNER,
} from '../infra/cdk/bundle-options.ts';

const OUT_DIR = new URL('../node_modules/.cache/bench/', import.meta.url);

/** Bundles `entry` (a bench module) and imports the bundle. */
export async function importBundled<T>(entry: URL, name: string): Promise<T> {
  mkdirSync(OUT_DIR, { recursive: true });
  const outfile = fileURLToPath(new URL(`${name}.mjs`, OUT_DIR));
  await build({
    entryPoints: [fileURLToPath(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: [...BUNDLE_MAIN_FIELDS],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(outfile).href)) as T;
}
