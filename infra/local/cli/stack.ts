/**
 * `npm run stack`: keeps the local stack up until SIGINT or SIGTERM. Once ready it prints the
 * endpoints (and writes them to `--endpoints-file`), so any SDK client or the AWS CLI can use it:
 *
 *   npm run stack -- --endpoints-file .data/endpoints.json
 *   eval "$(jq -r '.env | to_entries[] | "export \(.key)=\(.value)"' .data/endpoints.json)"
 *   aws kinesis list-streams
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startLocalStack } from '../stack.ts';

const program = new Command()
  .name('stack')
  .description('Run the local stack until interrupted.')
  .option('--endpoints-file <path>', 'write the endpoints and resource names here as JSON')
  .option('--data-dir <path>', 'persist emulator state and checkpoints here (default: in memory)')
  .option('--api-port <port>', 'port of the local API (default: a free one)', port)
  .option('--api-key <key>', 'API key the ingest endpoint accepts (default: random)')
  .parse();

const options = program.opts<{
  endpointsFile?: string;
  dataDir?: string;
  apiPort?: number;
  apiKey?: string;
}>();

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new InvalidArgumentError(`expected a port number 0-65535, got ${JSON.stringify(value)}`);
  }
  return n;
}

const stack = await startLocalStack({
  ...(options.dataDir ? { dataDir: resolve(options.dataDir) } : {}),
  ...(options.apiPort !== undefined ? { apiPort: options.apiPort } : {}),
  ...(options.apiKey ? { apiKey: options.apiKey } : {}),
});
const document = `${JSON.stringify(stack.endpoints, null, 2)}\n`;
if (options.endpointsFile) {
  await mkdir(dirname(resolve(options.endpointsFile)), { recursive: true });
  await writeFile(options.endpointsFile, document);
}
process.stdout.write(document);
console.error('local stack ready; Ctrl-C to stop');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.error(`${signal}: stopping the local stack`);
  try {
    await stack.close();
    process.exit(0);
  } catch (error) {
    console.error('local stack did not stop cleanly', error);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
