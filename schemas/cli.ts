/**
 * `npm run schemas -- <command>`: the tools for inspecting the stream and evolving schemas.
 *
 *   encode NAME         JSON lines on stdin -> one base64 single-object record per line
 *   decode              base64 records on stdin -> JSON lines (any known schema, by fingerprint)
 *   fingerprint X       CRC-64-AVRO of a known schema or of any .avsc file (16 hex digits)
 *   check               the compatibility/doc/publication checks that `npm test` runs
 *   publish NAME        avsc/NAME.avsc -> history/NAME/v<N+1>.avsc, if compatible
 *   generate            rewrite generated/catalog.ts from history/
 *
 * Bad input lines are reported on stderr with their line number and skipped; the exit code is
 * 1 when any line failed, so scripts notice.
 */

import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { checkCatalog } from './catalog-check.ts';
import { createCodec } from './codec.ts';
import { describeViolation } from './compatibility.ts';
import { fingerprintHex } from './fingerprint.ts';
import { readSchemaFile, writeCatalog } from './generate.ts';
import { fromJson, toJson } from './json-values.ts';
import { publishSchema } from './publish.ts';
import { parseSchemaName, SCHEMA_NAMES, type SchemaName } from './registry.ts';

function schemaName(value: string): SchemaName {
  const name = parseSchemaName(value);
  if (name === undefined) {
    throw new InvalidArgumentError(`unknown schema; expected one of ${SCHEMA_NAMES.join(', ')}`);
  }
  return name;
}

function version(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a version number >= 1');
  return n;
}

/** Runs `transform` on each non-blank stdin line; returns how many lines failed. */
async function eachLine(transform: (line: string) => string): Promise<number> {
  let lineNumber = 0;
  let failures = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    try {
      const out = `${transform(line.trim())}\n`;
      if (!process.stdout.write(out))
        await new Promise((resolve) => process.stdout.once('drain', resolve));
    } catch (error) {
      failures++;
      process.stderr.write(`line ${lineNumber}: ${(error as Error).message}\n`);
    }
  }
  return failures;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const program = new Command('schemas').description(
  'Avro schemas of the pipeline: inspect records, evolve schemas.',
);

program
  .command('encode')
  .description('read JSON lines on stdin, write one base64 Avro single-object record per line')
  .argument('<name>', `schema name (${SCHEMA_NAMES.join(', ')})`, schemaName)
  .option('--writer-version <n>', 'write an older published version (default: newest)', version)
  .action(async (name: SchemaName, options: { writerVersion?: number }) => {
    const codec = createCodec(
      options.writerVersion ? { writerVersions: { [name]: options.writerVersion } } : {},
    );
    const writer = codec.registry.writer(name);
    const failures = await eachLine((line) => {
      const value = fromJson(writer.type, JSON.parse(line));
      return codec.encodeRecord(name, value).toString('base64');
    });
    if (failures > 0) process.exitCode = 1;
  });

program
  .command('decode')
  .description('read base64 single-object records on stdin (any known schema), write JSON lines')
  .option('--envelope', 'wrap each value as {schema, writerVersion, fingerprint, value}')
  .action(async (options: { envelope?: boolean }) => {
    const codec = createCodec();
    const failures = await eachLine((line) => {
      if (!BASE64.test(line)) throw new Error('not base64');
      const bytes = Buffer.from(line, 'base64');
      const decoded = codec.decodeRecord(bytes);
      const value = toJson(decoded.value);
      return JSON.stringify(
        options.envelope
          ? {
              schema: decoded.schema,
              writerVersion: decoded.writerVersion,
              fingerprint: bytes.subarray(2, 10).toString('hex'),
              value,
            }
          : value,
      );
    });
    if (failures > 0) process.exitCode = 1;
  });

program
  .command('fingerprint')
  .description('print the CRC-64-AVRO fingerprint (16 hex digits, single-object header byte order)')
  .argument('<name-or-file>', 'a schema name (its newest version) or the path of any .avsc file')
  .option('--writer-version <n>', 'for a schema name: that published version', version)
  .action((target: string, options: { writerVersion?: number }) => {
    const name = parseSchemaName(target);
    if (name !== undefined) {
      const codec = createCodec(
        options.writerVersion ? { writerVersions: { [name]: options.writerVersion } } : {},
      );
      console.log(codec.registry.writer(name).fingerprintHex);
    } else if (existsSync(target)) {
      console.log(fingerprintHex(readSchemaFile(target) as never));
    } else {
      program.error(
        `${target}: not a schema name (${SCHEMA_NAMES.join(', ')}) nor an existing .avsc file`,
      );
    }
  });

program
  .command('check')
  .description(
    'fail when a schema edit is unpublished, incompatible, undocumented, or the catalog is stale',
  )
  .action(() => {
    const problems = checkCatalog();
    for (const problem of problems) console.error(`${problem.kind}: ${problem.message}`);
    if (problems.length > 0) process.exitCode = 1;
    else console.log('schemas OK');
  });

program
  .command('publish')
  .description(
    'publish avsc/NAME.avsc as the next history version, if every published version stays readable',
  )
  .argument('<name>', 'schema name', schemaName)
  .action((name: SchemaName) => {
    const outcome = publishSchema(name);
    switch (outcome.status) {
      case 'published':
      case 'amended':
        console.log(
          `${name} v${outcome.version} ${outcome.status}: ${outcome.file} (catalog regenerated)`,
        );
        break;
      case 'unchanged':
        console.log(`${name}: avsc/${name}.avsc is already published as v${outcome.version}`);
        break;
      case 'incompatible':
        for (const violation of outcome.violations)
          console.error(describeViolation(name, violation));
        process.exitCode = 1;
        break;
    }
  });

program
  .command('generate')
  .description('rewrite schemas/generated/catalog.ts from schemas/history/')
  .action(() => console.log(`wrote ${writeCatalog()}`));

await program.parseAsync();
