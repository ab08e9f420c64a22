/**
 * Runs a bundled handler the way Lambda does: a fresh Node process imports the asset's
 * `index.mjs` and calls the configured export with one event. Only loopback endpoints are in the
 * child's environment, with a closed port (9, discard) for every service not given explicitly,
 * so a handler that reaches for another service fails fast instead of leaving the machine.
 */

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const RESULT_MARKER = '@@bundle-result@@';

const RUNNER = `
import { pathToFileURL } from 'node:url';
const mod = await import(pathToFileURL(process.env.BUNDLE_FILE).href);
const fn = mod[process.env.BUNDLE_EXPORT];
let out = { exportType: typeof fn };
if (typeof fn === 'function' && process.env.BUNDLE_EVENT !== undefined) {
  const context = { awsRequestId: 'bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 20000 };
  out.result = await fn(JSON.parse(process.env.BUNDLE_EVENT), context);
}
process.stdout.write('\\n${RESULT_MARKER}' + JSON.stringify(out) + '\\n', () => process.exit(0));
`;

/** The folder esbuild's output was staged in, for a function built by `NodejsFunction`. */
export function stagedBundleDir(fn: IConstruct): string {
  const staging = fn.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging);
  if (!staging) throw new Error(`${fn.node.path} has no staged asset (was bundling skipped?)`);
  return staging.absoluteStagedPath;
}

/** What the child reported. */
export interface BundleRun {
  readonly exportType: string;
  readonly result?: unknown;
  readonly stderr: string;
}

/** Imports `index.mjs` of `bundleDir` in a new process and calls `exportName` with `event`, if any. */
export function runBundle(options: {
  readonly bundleDir: string;
  readonly exportName: string;
  readonly env: Readonly<Record<string, string>>;
  readonly event?: unknown;
}): Promise<BundleRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_OPTIONS: '--enable-source-maps',
    BUNDLE_FILE: join(options.bundleDir, 'index.mjs'),
    BUNDLE_EXPORT: options.exportName,
    ...options.env,
    ...(options.event !== undefined ? { BUNDLE_EVENT: JSON.stringify(options.event) } : {}),
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', RUNNER],
      { env, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
        if (error || line === undefined) {
          reject(
            new Error(
              `bundle in ${options.bundleDir} failed: ${error?.message ?? 'no result'}\n${stderr}`,
            ),
          );
          return;
        }
        resolve({
          ...(JSON.parse(line.slice(RESULT_MARKER.length)) as {
            exportType: string;
            result?: unknown;
          }),
          stderr,
        });
      },
    );
  });
}
