/**
 * How a handler is bundled for Lambda, in one place: the CDK app passes these to
 * `NodejsFunction`, and the benchmarks bundle the hot paths they measure the same way, so a
 * figure is the speed of the code Lambda runs (not of `tsx`'s per-module transform).
 */

/**
 * Defines `require` in the ES-module bundle. esbuild turns a CommonJS dependency's `require('x')`
 * of a Node built-in into a call of its `__require` shim, which throws "Dynamic require of x is
 * not supported" in an ES module unless a real `require` is in scope. The alias keeps the import
 * from clashing with a bundled module's own top-level `createRequire`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __pipelineCreateRequire } from 'node:module'; const require = __pipelineCreateRequire(import.meta.url);";

/**
 * esbuild target: the local stack runs the same handlers on Node 20, and Lambda runs Node 22, so
 * the bundle uses no syntax newer than Node 20 understands.
 */
export const BUNDLE_TARGET = 'node20';

/** ES-module builds of dependencies (the SDK ships both) tree-shake better. */
export const BUNDLE_MAIN_FIELDS: readonly string[] = ['module', 'main'];
