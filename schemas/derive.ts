/**
 * Compile-time derivation of TypeScript types from the `as const` schemas in the generated
 * catalog. Nothing here runs: these types exist so that `test/schemas/types.test.ts` can assert
 * that the hand-written interfaces in `types.ts` are exactly what the `.avsc` files describe.
 *
 * Mapping (how avsc reads values, with no logical type classes registered):
 * int/long/float/double -> number (timestamp-millis included), string -> string,
 * bytes -> Uint8Array (avsc yields Buffers), enum -> union of its symbols, map -> string-keyed
 * record, array -> readonly array, union -> union of branches, record -> object whose
 * `default: null` fields are optional (writers may omit them).
 */

import type { SCHEMA_HISTORY } from './generated/catalog.ts';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Primitive<P> = P extends 'null'
  ? null
  : P extends 'boolean'
    ? boolean
    : P extends 'int' | 'long' | 'float' | 'double'
      ? number
      : P extends 'string'
        ? string
        : P extends 'bytes'
          ? Uint8Array
          : never;

interface Field {
  readonly name: string;
  readonly type: unknown;
  readonly default?: unknown;
}

type OptionalFieldNames<F extends readonly Field[]> = Extract<
  F[number],
  { readonly default: null }
>['name'];

type RecordValue<F extends readonly Field[]> = Simplify<
  {
    readonly [K in Exclude<F[number]['name'], OptionalFieldNames<F>>]: AvroValue<
      Extract<F[number], { readonly name: K }>['type']
    >;
  } & {
    readonly [K in OptionalFieldNames<F>]?: AvroValue<
      Extract<F[number], { readonly name: K }>['type']
    >;
  }
>;

/** The TypeScript value type of an Avro schema literal. */
export type AvroValue<S> = S extends string
  ? Primitive<S>
  : S extends readonly unknown[]
    ? AvroValue<S[number]>
    : S extends { readonly type: 'record'; readonly fields: infer F extends readonly Field[] }
      ? RecordValue<F>
      : S extends { readonly type: 'enum'; readonly symbols: infer Y extends readonly string[] }
        ? Y[number]
        : S extends { readonly type: 'map'; readonly values: infer V }
          ? Readonly<Record<string, AvroValue<V>>>
          : S extends { readonly type: 'array'; readonly items: infer I }
            ? readonly AvroValue<I>[]
            : S extends { readonly type: infer P extends string }
              ? Primitive<P>
              : never;

type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L] ? L : never;

/** The value type of the current version of a published schema. */
export type CurrentValue<N extends keyof typeof SCHEMA_HISTORY> = AvroValue<
  Last<(typeof SCHEMA_HISTORY)[N]>
>;

/** The value type of the published version at `index` (0-based: v1 is 0) of a schema. */
export type VersionValue<N extends keyof typeof SCHEMA_HISTORY, Index extends number> = AvroValue<
  (typeof SCHEMA_HISTORY)[N][Index]
>;
