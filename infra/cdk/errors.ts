/** Errors of the CDK app: thrown at construction time, before anything is synthesized. */

/** Where a setting was checked and what it should have been. */
export interface InfraPropsContext {
  /** The construct path or class that rejected the setting, e.g. `StreamProcessing`. */
  readonly where: string;
  /** The prop's name, e.g. `processorTimeoutSeconds`. */
  readonly setting: string;
  /** What would have been accepted, e.g. `an integer in [1, 900]`. */
  readonly expected: string;
  /** The value that was passed. */
  readonly received: unknown;
}

/**
 * A construct prop is out of range or inconsistent with another; the message shows the value
 * received and what to change, so `cdk synth` fails with an answer instead of a CloudFormation
 * rollback ten minutes later.
 */
export class InfraPropsError extends Error {
  override readonly name = 'InfraPropsError';
  readonly where: string;
  readonly setting: string;
  readonly expected: string;
  readonly received: unknown;
  constructor(context: InfraPropsContext, hint?: string) {
    super(
      `${context.where}: ${context.setting} must be ${context.expected}, got ${render(context.received)}` +
        (hint ? ` (${hint})` : ''),
    );
    this.where = context.where;
    this.setting = context.setting;
    this.expected = context.expected;
    this.received = context.received;
  }
}

/** A handler's entry file is missing: the bundler would fail later with a less helpful message. */
export class HandlerEntryError extends Error {
  override readonly name = 'HandlerEntryError';
  readonly handler: string;
  readonly entryPath: string;
  constructor(handler: string, entryPath: string) {
    super(
      `the ${handler} handler's entry file ${entryPath} does not exist (see HANDLER_ENTRIES in infra/cdk/handler-entries.ts)`,
    );
    this.handler = handler;
    this.entryPath = entryPath;
  }
}

function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined)
    return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
