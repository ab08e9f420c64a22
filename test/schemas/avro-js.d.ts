// Minimal typings for Apache's avro-js (it ships none): only what the interop test uses.
// The test imports `lib/schemas.js` directly: avro-js 1.12.2's index also loads a deprecated
// validator that requires `underscore`, which the package does not declare as a dependency.
declare module 'avro-js/lib/schemas.js' {
  export interface AvroJsType {
    /** The Parsing Canonical Form, as a JSON string. */
    getSchema(): string;
    fromBuffer(buf: Buffer, resolver?: unknown, noCheck?: boolean): unknown;
    toBuffer(value: unknown): Buffer;
    createResolver(writer: AvroJsType): unknown;
  }
  const schemas: { createType(schema: unknown): AvroJsType };
  export default schemas;
}
