/**
 * The bus, rule and target actions of the local EventBridge: CreateEventBus, DescribeEventBus,
 * ListEventBuses, DeleteEventBus, PutRule, EnableRule, DisableRule, DescribeRule, ListRules,
 * DeleteRule, PutTargets,
 * ListTargetsByRule and RemoveTargets, with EventBridge's validation and error codes.
 */

import { EVENTBRIDGE, EVENTBRIDGE_RULES } from '../../../limits.ts';
import type { JsonInput } from '../http/json-protocol.ts';
import { EVENTBRIDGE_ERRORS as E } from './errors.ts';
import { compilePattern, InvalidEventPatternError } from './pattern/index.ts';
import { busNameOf } from './put-events.ts';
import { parseSchedule } from './schedule.ts';
import type { BusRecord, EventBridgeState, RuleRecord, TargetRecord } from './state.ts';

const NAME = /^[.\-_A-Za-z0-9]+$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
const DEFAULT_LIST_LIMIT = 100;

/** What an action needs besides its input. */
export interface RuleActionContext {
  readonly state: EventBridgeState;
  /** Called after every change, to persist. */
  readonly changed: () => void;
  /** Whether the local stack can deliver to this ARN. */
  readonly canDeliver: (arn: string) => boolean;
}

type Action = (input: JsonInput, context: RuleActionContext) => unknown;

export const RULE_ACTIONS: Readonly<Record<string, Action>> = {
  CreateEventBus(input, { state, changed }) {
    const name = requireString(input, 'Name');
    if (!BUS_NAME.test(name)) throw E.validation(`Event bus name ${name} is not valid.`);
    if (state.buses.has(name)) throw E.alreadyExists(`Event bus ${name} already exists.`);
    const bus = state.addBus(name);
    changed();
    return { EventBusArn: bus.arn };
  },
  DescribeEventBus(input, { state }) {
    const bus = findBus(state, input.Name);
    return { Name: bus.name, Arn: bus.arn };
  },
  ListEventBuses(input, { state }) {
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
    const buses = [...state.buses.values()].filter((b) => b.name.startsWith(prefix));
    return { EventBuses: buses.map((b) => ({ Name: b.name, Arn: b.arn })) };
  },
  DeleteEventBus(input, { state, changed }) {
    const name = requireString(input, 'Name');
    if (name === 'default') throw E.validation('Cannot delete event bus default.');
    if (state.buses.delete(name)) changed();
    return {};
  },
  PutRule(input, { state, changed }) {
    const name = requireString(input, 'Name');
    if (!NAME.test(name) || name.length > EVENTBRIDGE_RULES.maxRuleNameLength) {
      throw E.validation(`Rule name ${name} is not valid.`);
    }
    const bus = findBus(state, input.EventBusName);
    const eventPattern = optionalString(input, 'EventPattern');
    const scheduleExpression = optionalString(input, 'ScheduleExpression');
    if (eventPattern === undefined && scheduleExpression === undefined) {
      throw E.validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (scheduleExpression !== undefined) {
      parseSchedule(scheduleExpression);
      if (bus.name !== 'default') {
        throw E.validation('ScheduleExpression is supported only on the default event bus.');
      }
    }
    const ruleState = input.State ?? 'ENABLED';
    if (ruleState !== 'ENABLED' && ruleState !== 'DISABLED') {
      throw E.validation(`State ${String(ruleState)} is not valid: expected ENABLED or DISABLED.`);
    }
    const description = optionalString(input, 'Description');
    const rule = state.putRule(
      bus,
      {
        name,
        state: ruleState,
        ...(eventPattern === undefined ? {} : { eventPattern }),
        ...(scheduleExpression === undefined ? {} : { scheduleExpression }),
        ...(description === undefined ? {} : { description }),
      },
      eventPattern === undefined ? undefined : compile(eventPattern),
    );
    changed();
    return { RuleArn: rule.arn };
  },
  EnableRule: (input, context) => setRuleState(input, context, 'ENABLED'),
  DisableRule: (input, context) => setRuleState(input, context, 'DISABLED'),
  DescribeRule(input, { state }) {
    const { bus, rule } = findRule(state, input.Name, input.EventBusName);
    return describe(rule, bus);
  },
  ListRules(input, { state }) {
    const bus = findBus(state, input.EventBusName);
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
    const rules = [...bus.rules.values()]
      .filter((r) => r.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return page(rules, input, (r) => describe(r, bus), 'Rules');
  },
  DeleteRule(input, { state, changed }) {
    const bus = findBus(state, input.EventBusName);
    const name = requireString(input, 'Name');
    const rule = bus.rules.get(name);
    if (rule === undefined) return {};
    if (rule.targets.size > 0 && input.Force !== true) {
      throw E.validation("Rule can't be deleted since it has targets.");
    }
    bus.rules.delete(name);
    changed();
    return {};
  },
  PutTargets(input, { state, changed, canDeliver }) {
    const { rule } = findRule(state, input.Rule, input.EventBusName);
    const targets = input.Targets;
    if (!Array.isArray(targets)) throw E.missing('targets');
    if (targets.length < 1 || targets.length > EVENTBRIDGE_RULES.maxTargetsPerPutTargets) {
      const bound = targets.length < 1 ? 'at least' : 'at most';
      throw E.lengthConstraint(
        'targets',
        targets.length,
        bound,
        bound === 'at least' ? 1 : EVENTBRIDGE_RULES.maxTargetsPerPutTargets,
      );
    }
    const newIds = new Set(
      (targets as Partial<TargetRecord>[])
        .map((t) => t?.Id)
        .filter((id) => typeof id === 'string' && !rule.targets.has(id)),
    );
    if (rule.targets.size + newIds.size > EVENTBRIDGE.maxTargetsPerRule) {
      throw E.limitExceeded(
        `The requested resource exceeds the maximum number allowed: a rule has at most ${EVENTBRIDGE.maxTargetsPerRule} targets.`,
      );
    }
    const failed: { TargetId: unknown; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const target of targets as TargetRecord[]) {
      const problem = targetProblem(target, canDeliver);
      if (problem === undefined) rule.targets.set(target.Id, target);
      else
        failed.push({
          TargetId: target?.Id,
          ErrorCode: 'ValidationException',
          ErrorMessage: problem,
        });
    }
    changed();
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  },
  ListTargetsByRule(input, { state }) {
    const { rule } = findRule(state, input.Rule, input.EventBusName);
    return page([...rule.targets.values()], input, (t) => t, 'Targets');
  },
  RemoveTargets(input, { state, changed }) {
    const { rule } = findRule(state, input.Rule, input.EventBusName);
    const ids = input.Ids;
    if (!Array.isArray(ids) || ids.length < 1) throw E.missing('ids');
    for (const id of ids) rule.targets.delete(String(id));
    changed();
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
};

function setRuleState(
  input: JsonInput,
  { state, changed }: RuleActionContext,
  to: 'ENABLED' | 'DISABLED',
) {
  const { bus, rule } = findRule(state, input.Name, input.EventBusName);
  const { arn: _arn, targets: _targets, compiled, busName: _bus, ...definition } = rule;
  state.putRule(bus, { ...definition, state: to }, compiled);
  changed();
  return {};
}

/** Compiles a rule's pattern, mapping the compiler's error to `InvalidEventPatternException`. */
export function compile(eventPattern: string) {
  if (eventPattern.length > EVENTBRIDGE_RULES.maxEventPatternLength) {
    throw E.validation(
      `1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to ${EVENTBRIDGE_RULES.maxEventPatternLength}`,
    );
  }
  try {
    return compilePattern(eventPattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw E.invalidPattern(error.message);
    throw error;
  }
}

function targetProblem(
  target: TargetRecord,
  canDeliver: (arn: string) => boolean,
): string | undefined {
  if (typeof target !== 'object' || target === null) return 'A target must be an object.';
  if (typeof target.Id !== 'string' || !TARGET_ID.test(target.Id))
    return `Target Id ${String(target.Id)} is not valid.`;
  if (typeof target.Arn !== 'string' || !target.Arn.startsWith('arn:'))
    return `Target Arn ${String(target.Arn)} is not valid.`;
  if (!canDeliver(target.Arn)) {
    return `Target ${target.Arn} is not an SQS queue, an SNS topic, a Lambda function or a registered local handler; the local stack cannot deliver to it.`;
  }
  if (target.Input !== undefined && target.InputPath !== undefined) {
    return 'Only one of Input, InputPath, or InputTransformer can be specified.';
  }
  if (target.InputTransformer !== undefined)
    return 'InputTransformer is not supported by the local stack.';
  if (target.Input !== undefined) {
    try {
      JSON.parse(String(target.Input));
    } catch {
      return 'Input is not valid JSON text.';
    }
  }
  return undefined;
}

function describe(rule: RuleRecord, bus: BusRecord) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    EventBusName: bus.name,
  };
}

/** `Limit` and `NextToken` paging; the token is the index of the next item. */
function page<T>(items: readonly T[], input: JsonInput, render: (item: T) => unknown, key: string) {
  const limit =
    typeof input.Limit === 'number' && input.Limit > 0 ? input.Limit : DEFAULT_LIST_LIMIT;
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  if (!Number.isInteger(start) || start < 0) throw E.validation('The NextToken is not valid.');
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? String(start + limit) : undefined;
  return { [key]: slice.map(render), ...(next === undefined ? {} : { NextToken: next }) };
}

function findBus(state: EventBridgeState, value: unknown): BusRecord {
  const name = busNameOf(value);
  const bus = state.buses.get(name);
  if (bus === undefined) throw E.notFound(`Event bus ${name} does not exist.`);
  return bus;
}

function findRule(
  state: EventBridgeState,
  name: unknown,
  busName: unknown,
): { bus: BusRecord; rule: RuleRecord } {
  const bus = findBus(state, busName);
  if (typeof name !== 'string') throw E.missing('name');
  const rule = bus.rules.get(name);
  if (rule === undefined) throw E.notFound(`Rule ${name} does not exist on EventBus ${bus.name}.`);
  return { bus, rule };
}

function requireString(input: JsonInput, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '')
    throw E.missing(name.charAt(0).toLowerCase() + name.slice(1));
  return value;
}

function optionalString(input: JsonInput, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
