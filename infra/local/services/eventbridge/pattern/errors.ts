/** Errors of the event-pattern compiler. */

/**
 * An event pattern that EventBridge would reject. The server maps it to AWS's
 * `InvalidEventPatternException`; the message names the part of the pattern at fault.
 */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
  /** Dotted path of the offending field inside the pattern (`''` for the root). */
  readonly path: string;
  /** What the compiler found there, JSON-encoded where possible. */
  readonly received: string;
  constructor(
    message: string,
    context: { readonly path: readonly string[]; readonly received?: unknown },
  ) {
    const where = context.path.length === 0 ? 'at the root' : `at "${context.path.join('.')}"`;
    super(`Event pattern is not valid ${where}: ${message}`);
    this.path = context.path.join('.');
    this.received = describe(context.received);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return String(value);
  }
}
