/**
 * The app as `cdk.json` runs it (`npx tsx infra/cdk/app.ts`), with context passed the way the CDK
 * CLI passes it (`CDK_CONTEXT_JSON`, `CDK_OUTDIR`). Bundling is skipped through the same context
 * key `cdk synth --exclusively` uses; `bundles.test.ts` covers the bundles.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/cdk/handler-entries.ts';
import { STREAMS } from '../../../infra/resources.ts';

const run = promisify(execFile);
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

async function synthApp(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'pipeline-app-'));
  outdirs.push(outdir);
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { app: string };
  const [command, ...args] = cdkJson.app.split(' ');
  await run(command!, args, {
    cwd: REPO_ROOT,
    timeout: 60_000,
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
      CDK_VALIDATION: 'false',
    },
  });
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string }>;
  };
  const stacks = Object.entries(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id]) => id);
  const template = (id: string) =>
    JSON.parse(readFileSync(join(outdir, `${id}.template.json`), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
  return { stacks, template };
}

describe('infra/cdk/app.ts', () => {
  it('synthesizes the TelemetryPipeline stack, with resourceNamePrefix and alertEmail from the context', async () => {
    const app = await synthApp({ resourceNamePrefix: 'dev-', alertEmail: 'oncall@example.com' });
    expect(app.stacks).toEqual(['TelemetryPipeline']);
    const resources = Object.values(app.template('TelemetryPipeline').Resources);
    const streams = resources.filter((r) => r.Type === 'AWS::Kinesis::Stream');
    expect(streams.map((r) => r.Properties.Name)).toEqual([`dev-${STREAMS.telemetry.name}`]);
    expect(resources.find((r) => r.Type === 'AWS::SNS::Subscription')?.Properties).toMatchObject({
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });
});
