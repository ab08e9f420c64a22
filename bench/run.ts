/**
 * `npm run bench`: every benchmark, one after another (never in parallel: each measures a ratio
 * against a baseline in the same process, and two at once would share the cores). Each writes
 * its own results file under `bench/results/`.
 */

import { spawnSync } from 'node:child_process';

const BENCHES: readonly (readonly string[])[] = [
  ['bench/codec.bench.ts'],
  ['bench/ingest.bench.ts'],
  ['bench/kpl.bench.ts'],
  ['bench/kinesis-calls.ts'],
  // The processor bench samples the heap and forces collections between scenarios.
  ['--expose-gc', 'bench/processor.bench.ts'],
  ['bench/processor-writes.bench.ts'],
];

const only = process.argv.slice(2);
let failed = 0;
for (const args of BENCHES) {
  const file = args.at(-1)!;
  if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
  console.log(`\n=== ${file}`);
  const flags = args.slice(0, -1);
  const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', file], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${file} exited with ${result.status ?? result.signal}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
