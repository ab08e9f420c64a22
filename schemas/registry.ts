/**
 * The schemas this process knows: every published version of every record schema, with its
 * CRC-64-AVRO fingerprint and a cached resolver from it to the current (reader) version.
 *
 * Built once at module load from the generated catalog, so per-record work is a Map lookup
 * keyed by a number: the low 32 bits of the fingerprint, checked against the high 32 bits.
 * No strings or BigInts are built per record.
 */

import avro from 'avsc';
import { installBoundedReads } from './bounded-reads.ts';
import { SchemaCatalogError } from './errors.ts';
import { fingerprintBytes } from './fingerprint.ts';
import { SCHEMA_HISTORY } from './generated/catalog.ts';

/** Names of the record schemas the pipeline publishes. */
export type SchemaName = keyof typeof SCHEMA_HISTORY;

/** The schema names, in catalog order. */
export const SCHEMA_NAMES = Object.keys(SCHEMA_HISTORY) as readonly SchemaName[];

/** One published version of one schema, ready to read records written with it. */
export interface KnownSchema {
  readonly name: SchemaName;
  /** 1-based version number (`history/<name>/v<version>.avsc`). */
  readonly version: number;
  /** The writer type of this version. */
  readonly type: avro.Type;
  /** The 8 fingerprint bytes, in single-object header order. */
  readonly fingerprint: Buffer;
  /** The same as 16 hex digits. */
  readonly fingerprintHex: string;
  /** Fingerprint bytes 0-3 and 4-7 as little-endian uint32s: the lookup key. */
  readonly lo: number;
  readonly hi: number;
  /** The current version of the same schema, which records of this version decode into. */
  readonly reader: avro.Type;
  /** Resolver from this version to `reader`; undefined when they are the same schema. */
  readonly resolver: avro.Resolver | undefined;
}

function isSchemaName(name: string): name is SchemaName {
  return Object.hasOwn(SCHEMA_HISTORY, name);
}

function buildRegistry(): {
  readonly current: ReadonlyMap<SchemaName, KnownSchema>;
  readonly byLo: ReadonlyMap<number, readonly KnownSchema[]>;
  readonly all: readonly KnownSchema[];
} {
  // Before any resolver exists: resolvers copy the readers' `_read` when they are built.
  installBoundedReads();
  const current = new Map<SchemaName, KnownSchema>();
  const byLo = new Map<number, KnownSchema[]>();
  const all: KnownSchema[] = [];
  for (const name of SCHEMA_NAMES) {
    const versions = SCHEMA_HISTORY[name] as unknown as readonly avro.Schema[];
    const reader = avro.Type.forSchema(versions[versions.length - 1]!);
    versions.forEach((schema, index) => {
      const type = index === versions.length - 1 ? reader : avro.Type.forSchema(schema);
      const fingerprint = fingerprintBytes(type);
      const known: KnownSchema = {
        name,
        version: index + 1,
        type,
        fingerprint,
        fingerprintHex: fingerprint.toString('hex'),
        lo: fingerprint.readUInt32LE(0),
        hi: fingerprint.readUInt32LE(4),
        reader,
        // Same canonical form means same bytes: decoding with the reader directly is faster.
        resolver: type === reader ? undefined : reader.createResolver(type),
      };
      const clash = all.find((other) => other.fingerprint.equals(fingerprint));
      if (clash) {
        throw new SchemaCatalogError(
          `${name} v${known.version} has the same canonical form as ${clash.name} v${clash.version} (fingerprint ${known.fingerprintHex}); publish a version only when the schema changes`,
          { file: `history/${name}/v${known.version}.avsc` },
        );
      }
      all.push(known);
      byLo.set(known.lo, [...(byLo.get(known.lo) ?? []), known]);
    });
    current.set(name, all[all.length - 1]!);
  }
  return { current, byLo, all };
}

const REGISTRY = buildRegistry();

/** The current (writer and reader) version of `name`. */
export function currentSchema(name: SchemaName): KnownSchema {
  const known = REGISTRY.current.get(name);
  if (!known) {
    throw new RangeError(`unknown schema name ${String(name)}; known: ${SCHEMA_NAMES.join(', ')}`);
  }
  return known;
}

/** Narrows a user-supplied string (CLI argument) to a schema name. */
export function parseSchemaName(name: string): SchemaName | undefined {
  return isSchemaName(name) ? name : undefined;
}

/**
 * The published schema whose fingerprint is `(lo, hi)` (the two little-endian uint32s of the
 * header), or undefined.
 */
export function findByFingerprint(lo: number, hi: number): KnownSchema | undefined {
  const candidates = REGISTRY.byLo.get(lo);
  if (candidates === undefined) return undefined;
  // Almost always one candidate; a loop instead of find() keeps the hot path closure-free.
  for (let i = 0; i < candidates.length; i++) {
    const known = candidates[i]!;
    if (known.hi === hi) return known;
  }
  return undefined;
}

/** Every published version of every schema, in catalog order, oldest first. */
export function allKnownSchemas(): readonly KnownSchema[] {
  return REGISTRY.all;
}
