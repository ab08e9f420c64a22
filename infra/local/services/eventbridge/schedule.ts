/**
 * Scheduled rules: `rate(...)` rules fire locally on a timer with the event EventBridge sends
 * (`source: aws.events`, `detail-type: Scheduled Event`); `cron(...)` expressions are validated
 * and stored but not fired locally (the local stack has no cron clock).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */

import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { EVENTBRIDGE_ERRORS as E } from './errors.ts';
import type { EventBridgeState, RuleRecord } from './state.ts';

/** A parsed schedule expression. */
export type Schedule =
  | { readonly kind: 'rate'; readonly minutes: number }
  | { readonly kind: 'cron'; readonly fields: readonly string[] };

const UNIT_MINUTES: Readonly<Record<string, number>> = {
  minute: 1,
  minutes: 1,
  hour: 60,
  hours: 60,
  day: 1440,
  days: 1440,
};

/** Parses `rate(<n> <unit>)` or `cron(<6 fields>)`, or throws ValidationException. */
export function parseSchedule(expression: string): Schedule {
  const invalid = () => E.validation('Parameter ScheduleExpression is not valid.');
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    // EventBridge wants the singular for 1 and the plural otherwise: rate(1 hour), rate(5 hours).
    if (value < 1 || (value === 1) !== !unit.endsWith('s')) throw invalid();
    return { kind: 'rate', minutes: value * UNIT_MINUTES[unit]! };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron !== null) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) throw invalid();
    return { kind: 'cron', fields };
  }
  throw invalid();
}

/** The event a scheduled rule sends to its targets. */
export function scheduledEvent(
  rule: RuleRecord,
  context: { readonly region: string; readonly accountId: string; readonly now: Date },
): EventBridgeEvent<'Scheduled Event', Record<string, never>> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: context.accountId,
    time: `${context.now.toISOString().slice(0, 19)}Z`,
    region: context.region,
    resources: [rule.arn],
    detail: {},
  };
}

/** Keeps one timer per enabled `rate(...)` rule, in step with the rules. */
export class RateScheduler {
  readonly #timers = new Map<string, { key: string; timer: NodeJS.Timeout }>();
  readonly #minuteMillis: number;
  readonly #fire: (rule: RuleRecord) => void;

  constructor(options: {
    readonly minuteMillis: number;
    readonly fire: (rule: RuleRecord) => void;
  }) {
    this.#minuteMillis = options.minuteMillis;
    this.#fire = options.fire;
  }

  /** Starts timers for new or changed rate rules and stops those of rules gone or disabled. */
  sync(state: EventBridgeState): void {
    const wanted = new Map<string, RuleRecord>();
    for (const bus of state.buses.values()) {
      for (const rule of bus.rules.values()) {
        if (rule.state === 'ENABLED' && rule.scheduleExpression?.startsWith('rate('))
          wanted.set(rule.arn, rule);
      }
    }
    for (const [arn, entry] of this.#timers) {
      if (wanted.get(arn)?.scheduleExpression !== entry.key) {
        clearInterval(entry.timer);
        this.#timers.delete(arn);
      }
    }
    for (const [arn, rule] of wanted) {
      if (this.#timers.has(arn)) continue;
      const schedule = parseSchedule(rule.scheduleExpression!);
      if (schedule.kind !== 'rate') continue;
      const timer = setInterval(() => {
        // Read the rule again at fire time: its targets may have changed since the timer started.
        const current = state.buses.get(rule.busName)?.rules.get(rule.name);
        if (current !== undefined) this.#fire(current);
      }, schedule.minutes * this.#minuteMillis);
      timer.unref();
      this.#timers.set(arn, { key: rule.scheduleExpression!, timer });
    }
  }

  stop(): void {
    for (const { timer } of this.#timers.values()) clearInterval(timer);
    this.#timers.clear();
  }
}
