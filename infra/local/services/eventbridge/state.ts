/**
 * The in-memory model of the local EventBridge: buses, their rules and each rule's targets, with
 * a plain-JSON snapshot for persistence. Compiled patterns are kept beside the rules so PutEvents
 * never re-parses them.
 */

import { type CompiledPattern, compilePattern } from './pattern/index.ts';

/** The target fields the local endpoint honours; others are stored and returned as given. */
export interface TargetRecord {
  readonly Id: string;
  readonly Arn: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly DeadLetterConfig?: { readonly Arn?: string };
  readonly [other: string]: unknown;
}

/** One rule as stored. */
export interface RuleRecord {
  readonly name: string;
  readonly busName: string;
  readonly arn: string;
  readonly eventPattern?: string;
  readonly scheduleExpression?: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly description?: string;
  readonly targets: Map<string, TargetRecord>;
  readonly compiled?: CompiledPattern;
}

/** One event bus. */
export interface BusRecord {
  readonly name: string;
  readonly arn: string;
  readonly rules: Map<string, RuleRecord>;
}

/** The persisted form, version-tagged so a later format can migrate it. */
export interface EventBridgeSnapshot {
  readonly version: 1;
  readonly buses: readonly {
    readonly name: string;
    readonly rules: readonly {
      readonly name: string;
      readonly eventPattern?: string;
      readonly scheduleExpression?: string;
      readonly state: 'ENABLED' | 'DISABLED';
      readonly description?: string;
      readonly targets: readonly TargetRecord[];
    }[];
  }[];
}

/** Where resources live: ARNs are built from these. */
export interface Location {
  readonly region: string;
  readonly accountId: string;
}

/** The local EventBridge's resources. */
export class EventBridgeState {
  readonly buses = new Map<string, BusRecord>();
  readonly #location: Location;

  constructor(location: Location) {
    this.#location = location;
    this.addBus('default');
  }

  /** `arn:aws:events:<region>:<account>:event-bus/<name>`. */
  busArn(name: string): string {
    return `arn:aws:events:${this.#location.region}:${this.#location.accountId}:event-bus/${name}`;
  }

  /** Rules of the default bus are `rule/<name>`, of other buses `rule/<bus>/<name>`, as on AWS. */
  ruleArn(busName: string, ruleName: string): string {
    const path = busName === 'default' ? ruleName : `${busName}/${ruleName}`;
    return `arn:aws:events:${this.#location.region}:${this.#location.accountId}:rule/${path}`;
  }

  addBus(name: string): BusRecord {
    const bus: BusRecord = { name, arn: this.busArn(name), rules: new Map() };
    this.buses.set(name, bus);
    return bus;
  }

  /** Creates or replaces a rule, keeping the targets of a rule it replaces. */
  putRule(
    bus: BusRecord,
    rule: Omit<RuleRecord, 'arn' | 'targets' | 'compiled' | 'busName'>,
    compiled: CompiledPattern | undefined,
  ): RuleRecord {
    const targets = bus.rules.get(rule.name)?.targets ?? new Map<string, TargetRecord>();
    const record: RuleRecord = {
      ...rule,
      busName: bus.name,
      arn: this.ruleArn(bus.name, rule.name),
      targets,
      ...(compiled === undefined ? {} : { compiled }),
    };
    bus.rules.set(rule.name, record);
    return record;
  }

  snapshot(): EventBridgeSnapshot {
    return {
      version: 1,
      buses: [...this.buses.values()].map((bus) => ({
        name: bus.name,
        rules: [...bus.rules.values()].map((rule) => ({
          name: rule.name,
          state: rule.state,
          ...(rule.eventPattern === undefined ? {} : { eventPattern: rule.eventPattern }),
          ...(rule.scheduleExpression === undefined
            ? {}
            : { scheduleExpression: rule.scheduleExpression }),
          ...(rule.description === undefined ? {} : { description: rule.description }),
          targets: [...rule.targets.values()],
        })),
      })),
    };
  }

  /** Loads a snapshot written by {@link snapshot}; patterns are compiled again. */
  restore(snapshot: EventBridgeSnapshot): void {
    for (const saved of snapshot.buses) {
      const bus = this.buses.get(saved.name) ?? this.addBus(saved.name);
      for (const rule of saved.rules) {
        const compiled =
          rule.eventPattern === undefined ? undefined : compilePattern(rule.eventPattern);
        const record = this.putRule(bus, rule, compiled);
        for (const target of rule.targets) record.targets.set(target.Id, target);
      }
    }
  }
}
