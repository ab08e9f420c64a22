/**
 * The local EventBridge endpoint: AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Action>`) on loopback,
 * so the unchanged `@aws-sdk/client-eventbridge` and the AWS CLI work against it. In memory by
 * default; with `dataDir`, buses, rules and targets persist in `<dataDir>/eventbridge/state.json`.
 *
 * @example
 * const eb = await startEventBridgeServer({ sqsEndpoint: sqs.endpoint });
 * const client = new EventBridgeClient({ endpoint: eb.endpoint, region: 'us-east-1', ... });
 * await eb.close();
 */

import { EVENTBRIDGE } from '../../../limits.ts';
import { startAwsEndpoint } from '../http/endpoint.ts';
import { StateFileError } from '../http/errors.ts';
import {
  dispatchJson,
  type JsonActionTable,
  type JsonProtocolSpec,
  writeJsonError,
} from '../http/json-protocol.ts';
import { openServiceState } from '../http/state-file.ts';
import { type LambdaTarget, TargetDelivery, targetKind } from './delivery.ts';
import { EVENTBRIDGE_ERRORS as E, type TargetDeliveryError } from './errors.ts';
import { matches } from './pattern/index.ts';
import { buildEvent, checkPutEventsLimits } from './put-events.ts';
import { compile, RULE_ACTIONS, type RuleActionContext } from './rule-actions.ts';
import { RateScheduler, scheduledEvent } from './schedule.ts';
import { type EventBridgeSnapshot, EventBridgeState } from './state.ts';

/** Options of {@link startEventBridgeServer}. */
export interface EventBridgeServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Persist buses, rules and targets under `<dataDir>/eventbridge/`. @default in memory only */
  readonly dataDir?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** The local SQS endpoint that SQS targets are sent to. */
  readonly sqsEndpoint?: string;
  /** The local SNS endpoint that SNS targets are published to. */
  readonly snsEndpoint?: string;
  /** Lambda-style targets: ARN -> handler, invoked with the EventBridge event (like an async Lambda invoke). */
  readonly lambdaTargets?: ReadonlyMap<string, LambdaTarget>;
  /** Called when a target fails every delivery attempt. @default logs to stderr */
  readonly onDeliveryError?: (error: TargetDeliveryError) => void;
  /**
   * How long one minute of a `rate(...)` schedule lasts locally; tests shorten it to drive
   * schedules without waiting. `cron(...)` rules are stored but never fire locally.
   * @default 60_000
   */
  readonly scheduleMinuteMillis?: number;
}

/** A running local EventBridge. */
export interface EventBridgeServer {
  readonly endpoint: string;
  /** Stops accepting requests, waits for deliveries under way, and writes the state file. */
  close(): Promise<void>;
}

const SPEC: JsonProtocolSpec = { targetPrefix: 'AWSEvents', version: '1.1' };
/** Bodies above this are refused before parsing: 10 entries of 256 KB JSON-escaped fit easily. */
const MAX_BODY_BYTES = 8 * EVENTBRIDGE.maxPutEventsBytes;

interface Context extends RuleActionContext {
  readonly region: string;
  readonly accountId: string;
  readonly delivery: TargetDelivery;
}

const ACTIONS: JsonActionTable<Context> = {
  ...RULE_ACTIONS,
  PutEvents(input, context) {
    const entries = checkPutEventsLimits(input.Entries);
    const now = new Date();
    const results = entries.map((entry) => {
      const outcome = buildEvent(entry, {
        region: context.region,
        accountId: context.accountId,
        now,
      });
      if (outcome.status === 'rejected') {
        return { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage };
      }
      const bus = context.state.buses.get(outcome.busName);
      if (bus === undefined) {
        return {
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${outcome.busName} does not exist.`,
        };
      }
      for (const rule of bus.rules.values()) {
        if (
          rule.state === 'ENABLED' &&
          rule.compiled !== undefined &&
          matches(rule.compiled, outcome.event)
        ) {
          context.delivery.dispatch(rule, outcome.event);
        }
      }
      return { EventId: outcome.event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  },
  TestEventPattern(input) {
    if (typeof input.EventPattern !== 'string') throw E.missing('eventPattern');
    if (typeof input.Event !== 'string') throw E.missing('event');
    const pattern = compile(input.EventPattern);
    let event: unknown;
    try {
      event = JSON.parse(input.Event);
    } catch {
      throw E.invalidPattern('Parameter Event is not valid: it is not JSON.');
    }
    // TestEventPattern requires the envelope fields of an event (API reference, parameter Event).
    const missing = ['id', 'account', 'source', 'time', 'region', 'detail-type'].filter(
      (field) => typeof (event as Record<string, unknown> | null)?.[field] !== 'string',
    );
    if (missing.length > 0) {
      throw E.invalidPattern(`Parameter Event is not valid: missing ${missing.join(', ')}.`);
    }
    return { Result: matches(pattern, event) };
  },
};

/** Starts the local EventBridge endpoint; the `default` bus exists from the start. */
export async function startEventBridgeServer(
  options: EventBridgeServerOptions = {},
): Promise<EventBridgeServer> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const state = new EventBridgeState({ region, accountId });
  const stateFile = await openServiceState({
    dataDir: options.dataDir,
    service: 'eventbridge',
    restore: (saved, path) => {
      try {
        state.restore(saved as EventBridgeSnapshot);
      } catch (error) {
        throw new StateFileError('state file holds a rule that cannot be restored', {
          path,
          cause: error,
        });
      }
    },
    snapshot: () => state.snapshot(),
  });
  const delivery = new TargetDelivery({
    region,
    ...(options.sqsEndpoint === undefined ? {} : { sqsEndpoint: options.sqsEndpoint }),
    ...(options.snsEndpoint === undefined ? {} : { snsEndpoint: options.snsEndpoint }),
    ...(options.lambdaTargets === undefined ? {} : { lambdaTargets: options.lambdaTargets }),
    ...(options.onDeliveryError === undefined ? {} : { onDeliveryError: options.onDeliveryError }),
  });
  const scheduler = new RateScheduler({
    minuteMillis: options.scheduleMinuteMillis ?? 60_000,
    fire: (rule) =>
      delivery.dispatch(rule, scheduledEvent(rule, { region, accountId, now: new Date() })),
  });
  scheduler.sync(state);
  const context: Context = {
    state,
    region,
    accountId,
    delivery,
    changed: () => {
      scheduler.sync(state);
      stateFile?.changed();
    },
    canDeliver: (arn) => targetKind(arn, options.lambdaTargets) !== undefined,
  };

  const server = await startAwsEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_BODY_BYTES,
    onBodyTooLarge: ({ res, requestId }) =>
      writeJsonError(
        res,
        SPEC,
        E.validation('Total size of the entries in the request is over the limit.'),
        requestId,
      ),
    dispatch: ({ req, res, requestId }, body) =>
      dispatchJson(req, res, body, SPEC, ACTIONS, context, requestId),
  });

  return {
    endpoint: server.endpoint,
    async close() {
      scheduler.stop();
      await server.close();
      await delivery.close();
      await stateFile?.flush();
    },
  };
}
