import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCodec } from '../../schemas/codec.ts';
import { telemetryEventFactory } from './fixtures.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs the real CLI (`npm run schemas` runs the same file with tsx). */
function cli(args: readonly string[], input = '') {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'schemas/cli.ts', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'schemas-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run schemas', () => {
  it('encode then decode round-trips JSON lines, reporting bad lines by number', () => {
    const good = telemetryEventFactory();
    const input = [JSON.stringify(good), '{"eventId":"x"}', ''].join('\n');
    const encoded = cli(['encode', 'TelemetryEvent'], input);
    expect(encoded.status).toBe(1);
    expect(encoded.stderr).toMatch(/^line 2: value is not a valid TelemetryEvent v2/);
    const lines = encoded.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(defaultCodec.decodeTelemetryEvent(Buffer.from(lines[0]!, 'base64'))).toEqual(good);

    const decoded = cli(['decode'], `${lines[0]}\nnot-base64!\n`);
    expect(decoded.status).toBe(1);
    expect(JSON.parse(decoded.stdout.trim())).toEqual(good);
    expect(decoded.stderr).toBe('line 2: not base64\n');
  });

  it('decodes any known schema and version, bytes fields as base64', () => {
    const aggregate = {
      source: 's',
      metric: 'm',
      windowSizeMillis: 1000,
      windowStart: 0,
      windowEnd: 1000,
      count: 1,
      sum: 2,
      min: 2,
      max: 2,
      mean: 2,
      firstEventTime: 5,
      lastEventTime: 5,
      p50: 2,
      p90: 2,
      p99: 2,
      sketch: 'AQID',
      lateCount: 0,
      closedAt: 2000,
    };
    const encoded = cli(['encode', 'WindowAggregate'], JSON.stringify(aggregate));
    expect(encoded.status).toBe(0);
    const v1Event = cli(
      ['encode', 'TelemetryEvent', '--writer-version', '1'],
      JSON.stringify(telemetryEventFactory({ unit: null })),
    );
    const decoded = cli(['decode', '--envelope'], encoded.stdout + v1Event.stdout);
    expect(decoded.status).toBe(0);
    const [first, second] = decoded.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(first).toMatchObject({ schema: 'WindowAggregate', writerVersion: 1, value: aggregate });
    expect(second).toMatchObject({
      schema: 'TelemetryEvent',
      writerVersion: 1,
      value: { unit: null },
    });
  });

  it('fingerprints a known schema and any .avsc file', () => {
    const file = join(tmp, 'int.avsc');
    writeFileSync(file, '"int"');
    expect(cli(['fingerprint', file]).stdout).toBe('8f5c393f1ad57572\n');
    const unknown = cli(['fingerprint', 'NoSuchSchema']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('not a schema name');
  });
});
