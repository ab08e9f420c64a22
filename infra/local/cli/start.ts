/**
 * `npm start`: the main job on the local stack. Starts the stack, runs the built-in load
 * generator through the ingest endpoint at `--rate` events/s for `--duration` seconds, waits
 * until the processor has absorbed everything, reads the windows back from DynamoDB, and ends
 * with a summary (`--json`: its last line is the summary as one JSON object).
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { EventFactory } from '../load/events.ts';
import { runLoad } from '../load/generator.ts';
import { countAggregated, queueDepth } from '../load/read-back.ts';
import { producerSender } from '../load/sender.ts';
import { formatSummary, runProblems, summarize } from '../load/summary.ts';
import { startLocalStack } from '../stack.ts';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got ${JSON.stringify(value)}`);
  }
  return n;
}

function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) {
    throw new InvalidArgumentError(`expected a share in [0, 1), got ${JSON.stringify(value)}`);
  }
  return n;
}

const options = new Command()
  .name('start')
  .description('Run the pipeline on the local stack under a bounded synthetic load.')
  .option('--duration <seconds>', 'how long the load generator sends', positive, 10)
  .option('--rate <events-per-second>', 'target send rate', positive, 1000)
  .option('--sources <count>', 'distinct sources (partition keys)', positive, 100)
  .option(
    '--drain-timeout <seconds>',
    'how long to wait for the pipeline to catch up',
    positive,
    120,
  )
  .option('--data-dir <path>', 'persist the stack state here (default: in memory)')
  .option(
    '--kinesis-failure-rate <share>',
    'share (0-1) of PutRecords entries the local Kinesis fails with ProvisionedThroughputExceededException',
    share,
    0,
  )
  .option('--json', 'make the last line of output the summary as one JSON object')
  .option('--results-file <path>', 'also write the summary as JSON to this file')
  .parse()
  .opts<{
    duration: number;
    rate: number;
    sources: number;
    drainTimeout: number;
    dataDir?: string;
    kinesisFailureRate: number;
    json?: boolean;
    resultsFile?: string;
  }>();

const log = (line: string) => process.stderr.write(`${line}\n`);

const stack = await startLocalStack({
  ...(options.dataDir ? { dataDir: resolve(options.dataDir) } : {}),
  kinesisFailureRate: options.kinesisFailureRate,
});
let exitCode = 0;
try {
  log(`local stack up: ingest ${stack.endpoints.ingest.url}`);
  log(`sending ${options.rate} events/s for ${options.duration} s over ${options.sources} sources`);
  const startedAt = Date.now();
  const { sources: factorySources, metrics: factoryMetrics } = new EventFactory({
    sources: Math.round(options.sources),
  });
  const sender = producerSender(stack.endpoints.ingest);
  const progress = await runLoad(sender.send, {
    rate: options.rate,
    durationSeconds: options.duration,
    sources: Math.round(options.sources),
    onProgress: (p) =>
      log(
        `  ${(p.elapsedMillis / 1000).toFixed(0).padStart(4)} s  sent ${p.sent}  accepted ${p.accepted}  rejected ${p.rejected}  failed ${p.failed}  processor batches ${stack.processorEventSource.stats.invocations}`,
      ),
  });
  // runLoad resolves once every batch has its outcomes, so this flush finds nothing left.
  await sender.close();
  const loadEnded = Date.now();
  log(`load done: ${progress.sent} sent, ${progress.accepted} accepted; waiting for the processor`);

  const readBack = () =>
    countAggregated(stack.env, {
      sourceNames: factorySources,
      metrics: factoryMetrics,
      fromMillis: startedAt - 60_000,
      toMillis: Date.now() + 60_000,
    });
  let aggregated = await readBack();
  const deadline = loadEnded + options.drainTimeout * 1000;
  while (aggregated < progress.accepted && Date.now() < deadline) {
    log(`  aggregated ${aggregated} of ${progress.accepted}`);
    await new Promise((r) => setTimeout(r, 1000));
    aggregated = await readBack();
  }
  const summary = summarize(progress, {
    targetRate: options.rate,
    durationSeconds: options.duration,
    aggregated,
    drainSeconds: (Date.now() - loadEnded) / 1000,
    processorInvocations: stack.processorEventSource.stats.invocations,
    requests: sender.producer.stats.requests,
    lateEvents: await queueDepth(stack.env, stack.services.queueUrls.lateEvents),
    deadLettered: await queueDepth(stack.env, stack.services.queueUrls.processorDlq),
  });
  log('');
  log(formatSummary(summary));
  if (stack.kinesisFaults) {
    const { putRecordsEntries, injectedFailures } = stack.kinesisFaults.stats;
    log(
      `  injected Kinesis throughput errors: ${injectedFailures} of ${putRecordsEntries} entries`,
    );
  }
  if (!summary.rateWithinTarget) {
    log(`  note: the generator could not keep up with ${options.rate} events/s on this machine`);
  }
  const problems = runProblems(summary);
  for (const problem of problems) log(`  FAILED: ${problem}`);
  if (problems.length > 0) exitCode = 1;
  if (options.resultsFile) {
    await mkdir(dirname(resolve(options.resultsFile)), { recursive: true });
    await writeFile(
      options.resultsFile,
      `${JSON.stringify({ measuredAt: new Date().toISOString(), command: process.argv.slice(2), ...summary }, null, 2)}\n`,
    );
  }
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await stack.close();
}
process.exitCode = exitCode;
