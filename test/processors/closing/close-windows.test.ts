import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../infra/local/hosting/lambda-context.ts';
import { createSweepHandler } from '../../../processors/closing/sweep-handler.ts';
import type { ProcessorConfig } from '../../../processors/kinesis/config.ts';
import { createProcessorHandler } from '../../../processors/kinesis/handler.ts';
import { queryWindows } from '../../../processors/query/query-windows.ts';
import type {
  LateEventReport,
  LateEventSink,
  WindowSink,
} from '../../../processors/sinks/types.ts';
import { encodeTelemetryEvent } from '../../../schemas/codec.ts';
import type { WindowAggregate } from '../../../schemas/types.ts';
import { createAggregatesTable, startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import {
  kinesisEvent,
  kinesisRecord,
  sequenceNumber,
  telemetryEvent,
} from '../support/kinesis-events.ts';

const SIZE = 10_000;
const A = 1_700_000_000_000; // a window start: A % SIZE === 0
const SHARD = 'shardId-000000000000';
const context = lambdaContext({ functionName: 'processor' });

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

class Collect implements WindowSink, LateEventSink {
  readonly windows: WindowAggregate[] = [];
  readonly late: LateEventReport[] = [];
  async onWindowClosed(windows: readonly WindowAggregate[]) {
    this.windows.push(...windows);
  }
  async sendLate(reports: readonly LateEventReport[]) {
    this.late.push(...reports);
    return [];
  }
}

async function setup(overrides: Partial<ProcessorConfig> = {}) {
  const tableName = await createAggregatesTable(dynamo.client);
  const sink = new Collect();
  let now = A + 3_600_000;
  const config: ProcessorConfig = {
    tableName,
    dynamoDb: dynamo.client,
    windows: [{ kind: 'tumbling', sizeMillis: SIZE }],
    allowedLatenessMillis: 1_000,
    idleTimeoutMillis: 60_000,
    windowSinks: [sink],
    lateEventSink: sink,
    clock: () => now,
    ...overrides,
  };
  const handler = createProcessorHandler(config);
  let seq = 0;
  const send = (shardId: string, ...events: ReturnType<typeof telemetryEvent>[]) =>
    handler(
      kinesisEvent(
        events.map((e) =>
          kinesisRecord(shardId, sequenceNumber(++seq), e.source, encodeTelemetryEvent(e)),
        ),
      ),
      context,
    );
  return {
    tableName,
    sink,
    send,
    sweep: createSweepHandler(config),
    setNow: (t: number) => {
      now = t;
    },
  };
}

describe('closing windows', () => {
  it('emits a window once the shard watermark passes its end, with the merged statistics', async () => {
    // arrange
    const { send, sink } = await setup();
    await send(
      SHARD,
      telemetryEvent({ value: 1, timestamp: A }),
      telemetryEvent({ value: 3, timestamp: A + SIZE - 1 }),
    );
    expect(sink.windows).toEqual([]);
    // act: max event time A + SIZE + 1000 -> watermark A + SIZE = end of the first window
    await send(SHARD, telemetryEvent({ value: 5, timestamp: A + SIZE + 1_000 }));
    // assert
    expect(sink.windows.map((w) => [w.windowStart, w.count, w.sum, w.min, w.max, w.mean])).toEqual([
      [A, 2, 4, 1, 3, 2],
    ]);
    expect(sink.windows[0]?.firstEventTime).toBe(A);
    expect(sink.windows[0]?.lastEventTime).toBe(A + SIZE - 1);
  });

  it('absorbs an event within the allowed lateness and counts it late; reports one beyond it', async () => {
    // arrange
    const { send, sink, tableName } = await setup();
    await send(SHARD, telemetryEvent({ timestamp: A + SIZE + 500 }));
    // act
    await send(SHARD, telemetryEvent({ value: 7, timestamp: A + SIZE - 1 })); // watermark A + SIZE - 500: window open
    await send(SHARD, telemetryEvent({ timestamp: A + SIZE + 5_000 })); // watermark A + SIZE + 4000: closes A
    await send(SHARD, telemetryEvent({ eventId: 'too-late', value: 9, timestamp: A + 1 }));
    // assert
    expect(sink.windows.find((w) => w.windowStart === A)).toMatchObject({
      count: 1,
      sum: 7,
      lateCount: 1,
    });
    expect(sink.late.map((l) => [l.eventId, l.reason, l.windowStart])).toEqual([
      ['too-late', 'beyond-allowed-lateness', A],
    ]);
    const [stored] = await queryWindows(
      dynamo.client,
      tableName,
      {
        source: 'sensor-1',
        metric: 'temperature',
        windowSizeMillis: SIZE,
        fromMillis: A,
        toMillis: A + 1,
      },
      { consistentRead: true },
    );
    expect([stored?.count, stored?.closed]).toEqual([1, true]);
  });

  it('emits a window written by two shards once, when the second part closes', async () => {
    // arrange
    const { send, sink } = await setup();
    await send('shardId-000000000000', telemetryEvent({ value: 1, timestamp: A }));
    await send('shardId-000000000001', telemetryEvent({ value: 2, timestamp: A }));
    // act
    await send('shardId-000000000000', telemetryEvent({ timestamp: A + 2 * SIZE }));
    const afterFirst = sink.windows.length;
    await send('shardId-000000000001', telemetryEvent({ timestamp: A + 2 * SIZE }));
    // assert
    expect(afterFirst).toBe(0);
    expect(sink.windows.map((w) => [w.windowStart, w.count, w.sum])).toEqual([[A, 2, 3]]);
  });

  it('keeps a window open while a known shard lags, and counts what that shard writes later', async () => {
    // arrange: shard 1 is known (it has a SHARDS item) but behind, with no part in window A yet
    const { send, sink } = await setup();
    await send('shardId-000000000001', telemetryEvent({ value: 1, timestamp: A - 1 }));
    await send('shardId-000000000000', telemetryEvent({ value: 2, timestamp: A }));
    // act: shard 0's watermark passes A's end; shard 1's does not
    await send('shardId-000000000000', telemetryEvent({ timestamp: A + 2 * SIZE }));
    const whileLagging = sink.windows.filter((w) => w.windowStart === A).length;
    await send(
      'shardId-000000000001',
      telemetryEvent({ eventId: 'lagging', value: 4, timestamp: A + 5 }),
    );
    await send('shardId-000000000001', telemetryEvent({ timestamp: A + 2 * SIZE }));
    await send('shardId-000000000000', telemetryEvent({ timestamp: A + 2 * SIZE + 1 }));
    // assert
    expect(whileLagging).toBe(0);
    expect(sink.late).toEqual([]);
    expect(sink.windows.filter((w) => w.windowStart === A).map((w) => [w.count, w.sum])).toEqual([
      [2, 6],
    ]);
  });

  it('finishes a window held back by a lagging shard in the sweep once that shard goes idle', async () => {
    // arrange
    const { send, sink, sweep, setNow } = await setup();
    await send('shardId-000000000001', telemetryEvent({ timestamp: A - 1 }));
    await send(
      'shardId-000000000000',
      telemetryEvent({ value: 3, timestamp: A }),
      telemetryEvent({ timestamp: A + 2 * SIZE }),
    );
    const whileLagging = sink.windows.length;
    // act: both shards idle; the idle rule moves both past every window end
    setNow(A + 3_600_000 + 60_000);
    await sweep();
    // assert
    expect(whileLagging).toBe(0);
    expect(sink.windows.filter((w) => w.windowStart === A).map((w) => [w.count, w.sum])).toEqual([
      [1, 3],
    ]);
  });

  it('reports late an event a new shard sends for a window already emitted', async () => {
    // arrange
    const { send, sink } = await setup();
    await send(
      'shardId-000000000000',
      telemetryEvent({ timestamp: A }),
      telemetryEvent({ timestamp: A + 2 * SIZE }),
    );
    // act
    await send(
      'shardId-000000000001',
      telemetryEvent({ eventId: 'after-close', timestamp: A + 5 }),
    );
    // assert
    expect(sink.windows.map((w) => [w.windowStart, w.count])).toEqual([[A, 1]]);
    expect(sink.late.map((l) => [l.eventId, l.reason, l.shardId])).toEqual([
      ['after-close', 'window-closed', 'shardId-000000000001'],
    ]);
  });

  it('closes the windows of an idle shard in the sweep, and not before the idle timeout', async () => {
    // arrange
    const { send, sink, sweep, setNow } = await setup();
    setNow(A + SIZE);
    await send(SHARD, telemetryEvent({ value: 4, timestamp: A }));
    // act
    setNow(A + SIZE + 30_000);
    const early = await sweep();
    setNow(A + SIZE + 60_000);
    const due = await sweep();
    // assert
    expect(early.partsClosed).toBe(0);
    expect(due).toMatchObject({ idleShards: 1, partsClosed: 1, windowsEmitted: 1 });
    expect(sink.windows.map((w) => [w.windowStart, w.count])).toEqual([[A, 1]]);
  });

  it('re-emits a window whose sink failed, in a later sweep', async () => {
    // arrange
    let fail = true;
    const received: WindowAggregate[] = [];
    const flaky: WindowSink = {
      async onWindowClosed(windows) {
        if (fail) throw new Error('sink down');
        received.push(...windows);
      },
    };
    const { send, sweep, setNow } = await setup({ windowSinks: [flaky] });
    setNow(A);
    await send(
      SHARD,
      telemetryEvent({ timestamp: A }),
      telemetryEvent({ timestamp: A + 2 * SIZE }),
    );
    // act
    fail = false;
    setNow(A + 120_000);
    const result = await sweep();
    // assert
    expect(result.windowsReEmitted).toBe(1);
    // The sweep also closed the idle shard's later window [A + 2 SIZE, A + 3 SIZE).
    expect(received.map((w) => [w.windowStart, w.count])).toEqual([
      [A + 2 * SIZE, 1],
      [A, 1],
    ]);
  });
});
