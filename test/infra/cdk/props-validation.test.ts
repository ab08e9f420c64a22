import { rmSync } from 'node:fs';
import { CfnParameter, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { DeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { afterAll, describe, expect, it } from 'vitest';
import { AggregatesTable } from '../../../infra/cdk/aggregates-table.ts';
import { Alerting } from '../../../infra/cdk/alerting.ts';
import { HandlerEntryError, InfraPropsError } from '../../../infra/cdk/errors.ts';
import { resolveEntry } from '../../../infra/cdk/handler-entries.ts';
import { IngestApi } from '../../../infra/cdk/ingest-api.ts';
import { pipelineNames } from '../../../infra/cdk/names.ts';
import { PipelineFunction } from '../../../infra/cdk/pipeline-function.ts';
import { StreamProcessing } from '../../../infra/cdk/stream-processing.ts';
import { checkIntInRange } from '../../../infra/cdk/validate.ts';
import { WindowArchive } from '../../../infra/cdk/window-archive.ts';
import { WindowSweep } from '../../../infra/cdk/window-sweep.ts';
import { LAMBDA_KINESIS_ESM } from '../../../infra/limits.ts';
import { PROCESSOR_ESM, QUEUES } from '../../../infra/resources.ts';
import { testApp } from './synth.ts';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh stack with the resources the constructs under test depend on. */
function fixture() {
  const { app, outdir } = testApp();
  outdirs.push(outdir);
  const stack = new Stack(app, 'Fixture');
  const archive = new WindowArchive(stack, 'Archive', { deliveryStreamName: 'archive' });
  return {
    stack,
    archive: archive.deliveryStream as DeliveryStream,
    stream: new Stream(stack, 'Stream'),
    table: new AggregatesTable(stack, 'Table', { tableName: 'table' }).table as Table,
    bus: new EventBus(stack, 'Bus'),
  };
}

function processing(overrides: Partial<ConstructorParameters<typeof StreamProcessing>[2]>) {
  const f = fixture();
  return new StreamProcessing(f.stack, 'Processing', {
    streamName: 's',
    tableName: 't',
    processorDlqName: 'd',
    lateEventsQueueName: 'l',
    processorEntry: resolveEntry('processor'),
    archive: f.archive,
    bus: f.bus,
    ...overrides,
  });
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describe('StreamProcessing validation', () => {
  it('accepts PROCESSOR_ESM as it is', () => {
    expect(() => processing({})).not.toThrow();
  });

  it.each([
    ['batchSize', LAMBDA_KINESIS_ESM.maxBatchSize + 1],
    ['batchSize', 0],
    ['parallelizationFactor', LAMBDA_KINESIS_ESM.maxParallelizationFactor + 1],
    ['maxBatchingWindowSeconds', LAMBDA_KINESIS_ESM.maxBatchingWindowSeconds + 1],
    ['retryAttempts', -1],
  ] as const)('rejects %s = %d, naming the value received', (setting, value) => {
    const error = thrown(() => processing({ esm: { ...PROCESSOR_ESM, [setting]: value } }));
    expect(error).toBeInstanceOf(InfraPropsError);
    expect(error.message).toContain(`${setting} must be an integer in`);
    expect(error.message).toContain(`got ${value}`);
    expect((error as InfraPropsError).received).toBe(value);
  });

  it('rejects window settings with the processor handler own message', () => {
    const error = thrown(() =>
      processing({ windowSettings: { tumblingSizesMillis: [60_000, 60_000] } }),
    );
    expect(error).toBeInstanceOf(InfraPropsError);
    expect(error.message).toContain('two window specs have size 60000');
  });

  it('rejects a processor timeout above the Lambda maximum', () => {
    const error = thrown(() => processing({ processorTimeoutSeconds: 901 }));
    expect(error.message).toMatch(/timeoutSeconds must be an integer in \[1, 900\], got 901/);
  });
});

describe('IngestApi validation', () => {
  const api = (overrides: Partial<ConstructorParameters<typeof IngestApi>[2]>) => {
    const f = fixture();
    return new IngestApi(f.stack, 'Api', {
      stream: f.stream,
      table: f.table,
      ingestEntry: resolveEntry('ingest'),
      queryEntry: resolveEntry('query'),
      apiKeys: 'k'.repeat(16),
      ...overrides,
    });
  };

  it('rejects an ingest timeout that API Gateway would not wait for', () => {
    const error = thrown(() => api({ ingestTimeoutSeconds: 30 }));
    expect(error).toBeInstanceOf(InfraPropsError);
    expect(error.message).toContain('ingestTimeoutSeconds must be an integer in [1, 29], got 30');
  });

  it('rejects stage throttling above the account limits', () => {
    expect(thrown(() => api({ throttlingRateLimit: 10_001 })).message).toContain(
      'throttlingRateLimit',
    );
    expect(thrown(() => api({ throttlingBurstLimit: 5_001 })).message).toContain(
      'throttlingBurstLimit',
    );
  });
});

describe('other constructs', () => {
  it('rejects a resource name prefix that some service would refuse', () => {
    expect(pipelineNames('dev-').stream).toBe('dev-telemetry-events');
    for (const bad of ['1dev', 'dev_', 'a'.repeat(21), 'dév']) {
      expect(() => pipelineNames(bad)).toThrow(/resourceNamePrefix must be empty or 1-20 letters/);
    }
  });

  it('rejects an alert address that is not one, and a receive count outside SQS limits', () => {
    const alerting = (overrides: object) =>
      new Alerting(fixture().stack, 'Alerting', {
        busName: 'b',
        topicName: 't',
        remediationQueueName: 'r',
        remediationDlqName: 'rd',
        ...overrides,
      });
    expect(thrown(() => alerting({ alertEmail: 'oncall' })).message).toContain(
      'alertEmail must be an e-mail address, got "oncall"',
    );
    expect(thrown(() => alerting({ maxReceiveCount: 0 })).message).toContain(
      'maxReceiveCount must be an integer in [1, 1000], got 0',
    );
    expect(() => alerting({ maxReceiveCount: QUEUES.remediation.maxReceiveCount })).not.toThrow();
  });

  it('rejects a sweep that could outlast its interval', () => {
    const f = fixture();
    const error = thrown(
      () =>
        new WindowSweep(f.stack, 'Sweep', {
          entry: resolveEntry('sweep'),
          table: f.table,
          archive: f.archive,
          bus: f.bus,
          settingsEnvironment: {},
          timeoutSeconds: 60,
        }),
    );
    expect(error.message).toContain('timeoutSeconds must be below the interval (60 s), got 60');
  });

  it('rejects memory outside what Lambda offers', () => {
    const error = thrown(
      () =>
        new PipelineFunction(fixture().stack, 'Fn', {
          entry: resolveEntry('query'),
          description: 'd',
          timeoutSeconds: 3,
          memoryMb: 64,
          environment: {},
        }),
    );
    expect(error.message).toContain('memoryMb must be an integer in [128, 10240], got 64');
  });

  it('rejects duplicate index names and an INCLUDE projection without attributes', () => {
    const base = { name: 't', partitionKey: { name: 'pk', type: 'S' } } as const;
    const index = { name: 'i', partitionKey: { name: 'a', type: 'S' } } as const;
    const table = (definition: object) =>
      new AggregatesTable(fixture().stack, 'T', {
        tableName: 't',
        definition: { ...base, ...definition },
      });
    expect(thrown(() => table({ globalSecondaryIndexes: [index, index] })).message).toContain(
      'unique index names, got "i"',
    );
    expect(
      thrown(() => table({ globalSecondaryIndexes: [{ ...index, projection: 'INCLUDE' }] }))
        .message,
    ).toContain("given exactly when projection is 'INCLUDE'");
  });

  it('names the handler whose entry file is missing', () => {
    const error = thrown(() =>
      resolveEntry('query', {
        query: { path: 'processors/query/no-such-handler.ts', exportName: 'handler' },
      }),
    );
    expect(error).toBeInstanceOf(HandlerEntryError);
    expect(error.message).toMatch(
      /the query handler's entry file .*no-such-handler\.ts does not exist/,
    );
  });

  it('lets deploy-time values (tokens) through unchecked', () => {
    const token = new CfnParameter(fixture().stack, 'Timeout', { type: 'Number' }).valueAsNumber;
    expect(checkIntInRange('Test', 'timeout', token, 1, 29)).toBe(token);
  });
});
