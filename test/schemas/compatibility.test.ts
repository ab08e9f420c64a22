import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type avro from 'avsc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCatalog } from '../../schemas/catalog-check.ts';
import { checkEvolution, checkHistory } from '../../schemas/compatibility.ts';
import { SCHEMAS_DIR } from '../../schemas/generate.ts';
import { publishSchema } from '../../schemas/publish.ts';

const base = {
  type: 'record',
  name: 'E',
  doc: 'e',
  fields: [{ name: 'id', type: 'string', doc: 'id' }],
} as const;

function withFields(...fields: object[]): avro.Schema {
  return { ...base, fields: [...base.fields, ...fields] } as unknown as avro.Schema;
}

describe('checkEvolution', () => {
  it('accepts a new optional field with a default', () => {
    const next = withFields({ name: 'unit', type: ['null', 'string'], default: null, doc: 'u' });
    expect(checkEvolution([base as unknown as avro.Schema], next)).toEqual([]);
  });

  it('flags BACKWARD when a new field has no default (old records lack it)', () => {
    const next = withFields({ name: 'unit', type: 'string', doc: 'u' });
    expect(checkEvolution([base as unknown as avro.Schema], next)).toEqual([
      expect.objectContaining({ mode: 'BACKWARD', readerVersion: 2, writerVersion: 1 }),
    ]);
  });

  it('flags FORWARD when a field old readers require is removed', () => {
    const v1 = withFields({ name: 'unit', type: 'string', doc: 'u' });
    expect(checkEvolution([v1], base as unknown as avro.Schema)).toEqual([
      expect.objectContaining({ mode: 'FORWARD', readerVersion: 1, writerVersion: 2 }),
    ]);
  });

  it('flags FORWARD when an enum gains a symbol old readers lack', () => {
    const kind = (symbols: string[]) =>
      withFields({ name: 'k', doc: 'k', type: { type: 'enum', name: 'K', doc: 'k', symbols } });
    expect(checkEvolution([kind(['A'])], kind(['A', 'B']))).toEqual([
      expect.objectContaining({ mode: 'FORWARD' }),
    ]);
  });

  it('flags both directions for an incompatible type change', () => {
    const v1 = withFields({ name: 'n', type: 'string', doc: 'n' });
    const v2 = withFields({ name: 'n', type: 'boolean', doc: 'n' });
    expect(checkEvolution([v1], v2).map((v) => v.mode)).toEqual(['BACKWARD', 'FORWARD']);
  });

  it('checks against every earlier version, not only the previous one', () => {
    const v1 = withFields({ name: 'n', type: 'string', doc: 'n' });
    const v2 = withFields({ name: 'n', type: 'string', default: 'x', doc: 'n' });
    const v3 = base as unknown as avro.Schema; // fine for v2 (default), breaks v1 readers
    expect(checkHistory([v1, v2, v3])).toEqual([
      expect.objectContaining({ mode: 'FORWARD', readerVersion: 1, writerVersion: 3 }),
    ]);
  });
});

describe('checkCatalog on a copy of schemas/', () => {
  let dir: string;
  const telemetry = () => join(dir, 'avsc', 'TelemetryEvent.avsc');
  const editJson = (file: string, edit: (schema: { fields: object[] }) => void) => {
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    edit(schema);
    writeFileSync(file, JSON.stringify(schema));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'schemas-'));
    cpSync(join(SCHEMAS_DIR, 'avsc'), join(dir, 'avsc'), { recursive: true });
    cpSync(join(SCHEMAS_DIR, 'history'), join(dir, 'history'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds nothing wrong with the published schemas', () => {
    expect(checkCatalog(dir)).toEqual([]);
  });

  it('fails an edit to avsc/ that was not published to history/', () => {
    editJson(telemetry(), (s) =>
      s.fields.push({ name: 'x', type: ['null', 'int'], default: null, doc: 'x' }),
    );
    expect(checkCatalog(dir)).toEqual([expect.objectContaining({ kind: 'unpublished-change' })]);
  });

  it('fails a published version that old readers cannot read', () => {
    const v3 = join(dir, 'history', 'TelemetryEvent', 'v3.avsc');
    cpSync(telemetry(), v3);
    editJson(v3, (s) =>
      s.fields.push({ name: 'site', type: 'string', doc: 'required, no default' }),
    );
    cpSync(v3, telemetry());
    expect(checkCatalog(dir).map((p) => p.kind)).toEqual(['incompatible', 'incompatible']);
  });

  it('fails a field without doc', () => {
    editJson(join(dir, 'history', 'Anomaly', 'v1.avsc'), (s) => {
      delete (s.fields[0] as { doc?: string }).doc;
    });
    cpSync(join(dir, 'history', 'Anomaly', 'v1.avsc'), join(dir, 'avsc', 'Anomaly.avsc'));
    expect(checkCatalog(dir)).toEqual([
      expect.objectContaining({
        kind: 'missing-doc',
        message: expect.stringContaining('Anomaly.anomalyId'),
      }),
    ]);
  });

  it('publish: a compatible change becomes the next version and regenerates the catalog', () => {
    editJson(telemetry(), (s) =>
      s.fields.push({ name: 'site', type: ['null', 'string'], default: null, doc: 'where' }),
    );
    expect(publishSchema('TelemetryEvent', dir)).toMatchObject({ status: 'published', version: 3 });
    expect(readFileSync(join(dir, 'generated', 'catalog.ts'), 'utf8')).toContain('"site"');
    expect(checkCatalog(dir)).toEqual([]);
    expect(publishSchema('TelemetryEvent', dir)).toEqual({ status: 'unchanged', version: 3 });
  });

  it('publish: an incompatible change is refused and nothing is written', () => {
    editJson(telemetry(), (s) => s.fields.push({ name: 'site', type: 'string', doc: 'required' }));
    expect(publishSchema('TelemetryEvent', dir)).toMatchObject({ status: 'incompatible' });
    expect(existsSync(join(dir, 'history', 'TelemetryEvent', 'v3.avsc'))).toBe(false);
  });

  it('publish: a doc-only edit amends the newest version (same fingerprint)', () => {
    editJson(telemetry(), (s) => {
      (s.fields[0] as { doc: string }).doc = 'reworded';
    });
    expect(publishSchema('TelemetryEvent', dir)).toMatchObject({ status: 'amended', version: 2 });
    expect(checkCatalog(dir)).toEqual([]);
  });

  it('fails a gap in the version numbers', () => {
    cpSync(
      join(dir, 'history', 'TelemetryEvent', 'v2.avsc'),
      join(dir, 'history', 'TelemetryEvent', 'v4.avsc'),
    );
    expect(() => checkCatalog(dir)).toThrow(/expected v3.avsc, found v4.avsc/);
  });
});
