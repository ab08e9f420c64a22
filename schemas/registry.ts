/**
 * The schemas a codec knows: every published version of every record schema, with its
 * CRC-64-AVRO fingerprint and a cached resolver from it to the version this codec reads into.
 *
 * Built once per codec (the default one at module load), so per-record work is a Map lookup
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

/** Published versions per schema, oldest first (the shape of the generated catalog). */
export type SchemaHistory = { readonly [N in SchemaName]: readonly unknown[] };

/** Version numbers (1-based) per schema; missing entries mean "the newest". */
export type VersionChoice = { readonly [N in SchemaName]?: number };

/** How a registry is built. */
export interface SchemaRegistryOptions {
  /** The published versions this codec knows. @default the generated catalog (all of history) */
  readonly history?: SchemaHistory;
  /**
   * The version each schema is decoded into. Pin an older one to run old reader code against
   * newer writers (what FORWARD compatibility promises). @default the newest of each
   */
  readonly readerVersions?: VersionChoice;
  /**
   * The version each schema is encoded with. Pin the previous one during a rollout, until
   * every reader knows the new version. @default the newest of each
   */
  readonly writerVersions?: VersionChoice;
}

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
  /** The reader type of the same schema, which records of this version decode into. */
  readonly reader: avro.Type;
  /** Resolver from this version to `reader`; undefined when they are the same schema. */
  readonly resolver: avro.Resolver | undefined;
  /** Top-level fields of type `long` (timestamps included): the encoder range-checks them. */
  readonly longFields: readonly string[];
}

function topLevelLongFields(type: avro.Type): readonly string[] {
  const schema = type.schema() as { fields?: readonly { name: string; type: unknown }[] };
  return (schema.fields ?? []).filter((field) => field.type === 'long').map((field) => field.name);
}

function pickVersion(name: SchemaName, count: number, choice: number | undefined, what: string) {
  const version = choice ?? count;
  if (!Number.isInteger(version) || version < 1 || version > count) {
    throw new RangeError(
      `${what} for ${name}: got ${String(choice)}, expected an integer from 1 to ${count} (the published versions)`,
    );
  }
  return version;
}

/** Every published schema version, indexed by fingerprint, with resolvers built once. */
export class SchemaRegistry {
  readonly #byLo = new Map<number, KnownSchema[]>();
  readonly #writers = new Map<SchemaName, KnownSchema>();
  readonly #all: KnownSchema[] = [];

  constructor(options: SchemaRegistryOptions = {}) {
    // Before any resolver exists: resolvers copy the readers' `_read` when they are built.
    installBoundedReads();
    const history = options.history ?? SCHEMA_HISTORY;
    for (const name of SCHEMA_NAMES) {
      const schemas = history[name] as readonly avro.Schema[];
      const types = schemas.map((schema) => avro.Type.forSchema(schema));
      const readerVersion = pickVersion(
        name,
        types.length,
        options.readerVersions?.[name],
        'readerVersions',
      );
      const writerVersion = pickVersion(
        name,
        types.length,
        options.writerVersions?.[name],
        'writerVersions',
      );
      const reader = types[readerVersion - 1]!;
      const added = types.map((type, index) => this.#add(name, index + 1, type, reader));
      this.#writers.set(name, added[writerVersion - 1]!);
    }
  }

  #add(name: SchemaName, version: number, type: avro.Type, reader: avro.Type): KnownSchema {
    const fingerprint = fingerprintBytes(type);
    const clash = this.#all.find((other) => other.fingerprint.equals(fingerprint));
    if (clash) {
      throw new SchemaCatalogError(
        `${name} v${version} has the same canonical form as ${clash.name} v${clash.version} (fingerprint ${fingerprint.toString('hex')}); publish a version only when the schema changes`,
        { file: `history/${name}/v${version}.avsc` },
      );
    }
    const known: KnownSchema = {
      name,
      version,
      type,
      fingerprint,
      fingerprintHex: fingerprint.toString('hex'),
      lo: fingerprint.readUInt32LE(0),
      hi: fingerprint.readUInt32LE(4),
      reader,
      // Same type means same bytes: decoding with the reader directly skips the resolver.
      resolver: type === reader ? undefined : reader.createResolver(type),
      longFields: topLevelLongFields(type),
    };
    this.#all.push(known);
    const bucket = this.#byLo.get(known.lo);
    if (bucket) bucket.push(known);
    else this.#byLo.set(known.lo, [known]);
    return known;
  }

  /** The version `name` is encoded with. */
  writer(name: SchemaName): KnownSchema {
    const known = this.#writers.get(name);
    if (!known) {
      throw new RangeError(
        `unknown schema name ${String(name)}; known: ${SCHEMA_NAMES.join(', ')}`,
      );
    }
    return known;
  }

  /**
   * The published schema whose fingerprint is `(lo, hi)` (the two little-endian uint32s of the
   * header), or undefined.
   */
  find(lo: number, hi: number): KnownSchema | undefined {
    const candidates = this.#byLo.get(lo);
    if (candidates === undefined) return undefined;
    // Almost always one candidate; an indexed loop keeps the hot path closure-free.
    for (let i = 0; i < candidates.length; i++) {
      const known = candidates[i]!;
      if (known.hi === hi) return known;
    }
    return undefined;
  }

  /** Every known version of every schema, in catalog order, oldest first. */
  all(): readonly KnownSchema[] {
    return this.#all;
  }
}

/** Narrows a user-supplied string (CLI argument) to a schema name. */
export function parseSchemaName(name: string): SchemaName | undefined {
  return Object.hasOwn(SCHEMA_HISTORY, name) ? (name as SchemaName) : undefined;
}
