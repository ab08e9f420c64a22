/**
 * With `dataDir`, buses, rules and targets survive a restart, and restored rules still route
 * events; without it nothing is written.
 */

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventBridgeServer } from '../../../../../infra/local/services/eventbridge/server.ts';
import { StateFileError } from '../../../../../infra/local/services/http/errors.ts';
import { startEventBridge } from '../../../../support/local-services.ts';

const HANDLER = 'arn:aws:lambda:us-east-1:000000000000:function:persisted';
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'eventbridge-persist-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('EventBridge persistence', () => {
  it('restores buses, rules and targets from <dataDir>/eventbridge/state.json', async () => {
    const first = await startEventBridge({ dataDir });
    await first.client.send(new CreateEventBusCommand({ Name: 'telemetry-anomalies' }));
    await first.client.send(
      new PutRuleCommand({
        Name: 'alerts',
        EventBusName: 'telemetry-anomalies',
        EventPattern: '{"source":["persist.test"]}',
        Description: 'kept across restarts',
      }),
    );
    await first.client.send(
      new PutTargetsCommand({
        Rule: 'alerts',
        EventBusName: 'telemetry-anomalies',
        Targets: [{ Id: 'h', Arn: HANDLER }],
      }),
    );
    await first.close();

    const saved = JSON.parse(await readFile(join(dataDir, 'eventbridge', 'state.json'), 'utf8'));
    expect(saved.version).toBe(1);
    // The atomic write leaves no temporary file behind.
    expect(await readdir(join(dataDir, 'eventbridge'))).toEqual(['state.json']);

    const seen: EventBridgeEvent<string, unknown>[] = [];
    const second = await startEventBridge({
      dataDir,
      lambdaTargets: new Map([
        [HANDLER, async (e: EventBridgeEvent<string, unknown>) => void seen.push(e)],
      ]),
    });
    const rule = await second.client.send(
      new DescribeRuleCommand({ Name: 'alerts', EventBusName: 'telemetry-anomalies' }),
    );
    expect(rule).toMatchObject({
      Description: 'kept across restarts',
      EventPattern: '{"source":["persist.test"]}',
    });
    const targets = await second.client.send(
      new ListTargetsByRuleCommand({ Rule: 'alerts', EventBusName: 'telemetry-anomalies' }),
    );
    expect(targets.Targets).toEqual([{ Id: 'h', Arn: HANDLER }]);

    await second.client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'persist.test',
            DetailType: 'T',
            Detail: '{}',
            EventBusName: 'telemetry-anomalies',
          },
        ],
      }),
    );
    await second.close(); // waits for the delivery under way
    expect(seen.map((e) => e.source)).toEqual(['persist.test']);
  });

  it('refuses to start on a state file whose rule no longer compiles, naming the file', async () => {
    const dir = join(dataDir, 'corrupt');
    await mkdir(join(dir, 'eventbridge'), { recursive: true });
    const snapshot = {
      version: 1,
      buses: [
        {
          name: 'default',
          rules: [{ name: 'r', state: 'ENABLED', eventPattern: '{"a":[]}', targets: [] }],
        },
      ],
    };
    await writeFile(join(dir, 'eventbridge', 'state.json'), JSON.stringify(snapshot));
    const failure = await startEventBridgeServer({ dataDir: dir }).then(
      (server) => server.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StateFileError);
    expect((failure as StateFileError).path).toBe(join(dir, 'eventbridge', 'state.json'));
  });
});
