/**
 * For random event streams delivered with random duplication (producer retries), replays of
 * whole batches, bisects after failures, restarts from old checkpoints, faults before and after
 * DynamoDB applied a call, and a parallelization factor of 2 across two shards, the stored
 * count, sum, min and max equal a reference computed here, and every quantile is within the
 * sketch's relative-error bound.
 *
 * Scope: a producer duplicate here always carries the original's partition key, hence its shard
 * and part, which is what the design de-duplicates (by event id, within the part's horizon). A
 * resend under another key (the ingest's hot-key spreading decided differently for the resend:
 * `source` vs `source#k`) lands in another part and is counted twice; the last test documents
 * that, asserting the actual behaviour.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../infra/local/hosting/lambda-context.ts';
import { seededRandom } from '../../../infra/local/seeded-random.ts';
import { eventIdHash } from '../../../processors/engine/event-id-hash.ts';
import { createProcessorHandler } from '../../../processors/kinesis/handler.ts';
import { queryWindows } from '../../../processors/query/query-windows.ts';
import type { LateEventReport, LateEventSink } from '../../../processors/sinks/types.ts';
import { encodeTelemetryEvent } from '../../../schemas/codec.ts';
import type { TelemetryEvent } from '../../../schemas/types.ts';
import { createAggregatesTable, startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { deliverAll } from '../support/esm-simulator.ts';
import { injectFaults } from '../support/faulty-dynamo.ts';
import { aggregatedData, kinesisRecord, sequenceNumber } from '../support/kinesis-events.ts';

const SIZE = 10_000;
const BASE = 1_700_000_000_000;
const ACCURACY = 0.01;
const SOURCES = ['s1', 's2', 's3'] as const;
const METRICS = ['m1', 'm2'] as const;

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const eventArb = fc.record({
  source: fc.constantFrom(...SOURCES),
  spread: fc.integer({ min: 0, max: 2 }),
  metric: fc.constantFrom(...METRICS),
  value: fc.integer({ min: -40_000, max: 40_000 }).map((v) => v / 4),
  offset: fc.integer({ min: 0, max: 35_000 }),
});

interface Scenario {
  readonly events: TelemetryEvent[];
  readonly partitionKeys: string[];
  /** Stream order, indices into `events`; an index appears again for a producer duplicate. */
  readonly order: number[];
}

const scenarioArb = fc
  .tuple(
    fc.array(eventArb, { minLength: 1, maxLength: 60 }),
    fc.array(fc.nat(), { maxLength: 12 }),
    fc.nat(),
  )
  .map(([raw, dupes, salt]): Scenario => {
    const events = raw.map((r, i) => ({
      eventId: `e${salt}-${i}`,
      source: r.source,
      metric: r.metric,
      value: r.value,
      timestamp: BASE + r.offset,
      attributes: null,
    }));
    // A hot source spread over sub-keys `source#k`. Every duplicate below reuses its original's
    // key, so shard and part: covered is "a resend keeps its key" (the sub-key is derived from
    // the eventId), NOT a resend whose key changed because spreading was decided differently.
    const partitionKeys = raw.map((r) => (r.spread === 0 ? r.source : `${r.source}#${r.spread}`));
    const order = events.map((_, i) => i);
    for (const d of dupes)
      order.splice(Math.min(order.length, (d % order.length) + 1 + (d % 7)), 0, d % events.length);
    return { events, partitionKeys, order };
  });

/** Kinesis records per shard: user records grouped into KPL records of 1 to 4 (or plain). */
function buildShards(s: Scenario, random: () => number): Map<string, KinesisStreamRecord[]> {
  const shards = new Map<string, KinesisStreamRecord[]>();
  const pending = new Map<string, number[]>();
  const seq = new Map<string, number>();
  const flush = (shardId: string) => {
    const group = pending.get(shardId) ?? [];
    if (group.length === 0) return;
    pending.set(shardId, []);
    const n = (seq.get(shardId) ?? 0) + 1;
    seq.set(shardId, n);
    const first = group[0]!;
    const data =
      group.length === 1 && random() < 0.5
        ? encodeTelemetryEvent(s.events[first]!)
        : aggregatedData(
            group.map((i) => s.events[i]!),
            (e) => s.partitionKeys[s.events.indexOf(e)]!,
          );
    const list = shards.get(shardId) ?? [];
    list.push(kinesisRecord(shardId, sequenceNumber(n * 10), s.partitionKeys[first]!, data));
    shards.set(shardId, list);
  };
  for (const i of s.order) {
    const shardId = `shardId-00000000000${eventIdHash(s.partitionKeys[i]!) % 2}`;
    const group = pending.get(shardId) ?? [];
    group.push(i);
    pending.set(shardId, group);
    if (random() < 0.4 || group.length >= 4) flush(shardId);
  }
  for (const shardId of [...pending.keys()]) flush(shardId);
  return shards;
}

interface Expected {
  count: number;
  sum: number;
  min: number;
  max: number;
  values: number[];
}

function reference(s: Scenario): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const e of s.events) {
    const key = `${e.source}|${e.metric}|${Math.floor(e.timestamp / SIZE) * SIZE}`;
    const x = out.get(key) ?? {
      count: 0,
      sum: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
      values: [],
    };
    x.count++;
    x.sum += e.value;
    x.min = Math.min(x.min, e.value);
    x.max = Math.max(x.max, e.value);
    x.values.push(e.value);
    out.set(key, x);
  }
  return out;
}

function withinBound(estimate: number, sorted: readonly number[], q: number): boolean {
  const rank = q * (sorted.length - 1);
  return [Math.floor(rank), Math.ceil(rank)].some((i) => {
    const exact = sorted[i]!;
    return Math.abs(estimate - exact) <= ACCURACY * Math.abs(exact) + 1e-9;
  });
}

async function stored(tableName: string) {
  const found = new Map<string, Awaited<ReturnType<typeof queryWindows>>[number]>();
  for (const source of SOURCES) {
    for (const metric of METRICS) {
      const windows = await queryWindows(
        dynamo.client,
        tableName,
        {
          source,
          metric,
          windowSizeMillis: SIZE,
          fromMillis: BASE - SIZE,
          toMillis: BASE + 10 * SIZE,
        },
        { consistentRead: true },
      );
      for (const w of windows) found.set(`${source}|${metric}|${w.windowStart}`, w);
    }
  }
  return found;
}

async function run(s: Scenario, seed: number, allowedLatenessMillis: number) {
  // The chaos decisions, seeded by fast-check so that a failure replays.
  const random = seededRandom(seed);
  const tableName = await createAggregatesTable(dynamo.client);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  injectFaults(client, (command) => {
    if (command === 'QueryCommand') return 'pass';
    const r = random();
    return r < 0.04 ? 'fail-before' : r < 0.08 ? 'fail-after' : 'pass';
  });
  const late: LateEventReport[] = [];
  const lateSink: LateEventSink = {
    sendLate: async (reports) => {
      late.push(...reports);
      return [];
    },
  };
  const handler = createProcessorHandler({
    tableName,
    dynamoDb: client,
    windows: [{ kind: 'tumbling', sizeMillis: SIZE }],
    allowedLatenessMillis,
    lateEventSink: lateSink,
    maxConditionRetries: 3,
  });
  const chaos = {
    batchSize: (max: number) => 1 + Math.floor(random() * max),
    replay: () => random() < 0.15,
    restartBack: () => (random() < 0.1 ? 1 + Math.floor(random() * 4) : 0),
  };
  await deliverAll(
    buildShards(s, random),
    handler,
    chaos,
    lambdaContext({ functionName: 'processor' }),
    (pk) => eventIdHash(pk, 7) % 2,
  );
  client.destroy();
  return { found: await stored(tableName), late };
}

describe('exactly-once window aggregates', () => {
  it('stores exactly the reference count, sum, min and max, quantiles within the bound', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.nat(), async (s, seed) => {
        const { found } = await run(s, seed, 1e12);
        const expected = reference(s);
        expect([...found.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [key, x] of expected) {
          const w = found.get(key)!;
          expect([key, w.count, w.sum, w.min, w.max]).toEqual([key, x.count, x.sum, x.min, x.max]);
          const sorted = [...x.values].sort((a, b) => a - b);
          for (const [q, v] of [
            [0.5, w.p50],
            [0.9, w.p90],
            [0.99, w.p99],
          ] as const) {
            expect(withinBound(v, sorted, q), `${key} q${q} = ${v} vs ${sorted}`).toBe(true);
          }
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });

  it('with a small allowed lateness, counts each event once or reports it late, never both or neither', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.map((s) => ({ ...s, order: s.events.map((_, i) => i) })),
        fc.nat(),
        async (s, seed) => {
          const { found, late } = await run(s, seed, 2_000);
          const lateIds = new Map<string, Set<string>>();
          for (const l of late) {
            const key = `${l.source}|${l.metric}|${l.windowStart}`;
            lateIds.set(key, (lateIds.get(key) ?? new Set()).add(l.eventId));
          }
          for (const [key, x] of reference(s)) {
            expect([key, (found.get(key)?.count ?? 0) + (lateIds.get(key)?.size ?? 0)]).toEqual([
              key,
              x.count,
            ]);
          }
        },
      ),
      { numRuns: 10, endOnFailure: true },
    );
  });

  it('counts twice a producer duplicate resent under another sub-key (known limitation)', async () => {
    // arrange: the original was spread (`s1#1`), the resend was not (`s1`): two parts
    const tableName = await createAggregatesTable(dynamo.client);
    const handler = createProcessorHandler({
      tableName,
      dynamoDb: dynamo.client,
      windows: [{ kind: 'tumbling', sizeMillis: SIZE }],
      allowedLatenessMillis: 1e12,
    });
    const event: TelemetryEvent = {
      eventId: 'resent-once',
      source: 's1',
      metric: 'm1',
      value: 2,
      timestamp: BASE,
      attributes: null,
    };
    const shard = 'shardId-000000000000';
    const send = (n: number, partitionKey: string) =>
      handler(
        {
          Records: [
            kinesisRecord(
              shard,
              sequenceNumber(n),
              partitionKey,
              aggregatedData([event], () => partitionKey),
            ),
          ],
        },
        lambdaContext({ functionName: 'processor' }),
      );
    // act
    await send(1, 's1#1');
    await send(2, 's1');
    // assert: the actual behaviour; a fix (de-duplication across a source's parts) flips it to 1
    const [window] = await queryWindows(
      dynamo.client,
      tableName,
      { source: 's1', metric: 'm1', windowSizeMillis: SIZE, fromMillis: BASE, toMillis: BASE + 1 },
      { consistentRead: true },
    );
    expect([window?.count, window?.sum]).toEqual([2, 4]);
  });
});
