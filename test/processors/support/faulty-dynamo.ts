/**
 * Faults that cannot be produced on demand against dynalite, injected into a real SDK client as
 * middleware: a call fails before it reaches the table, or (the hard case for exactly-once)
 * after the table applied it, so that the caller sees an error for a write that happened.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Decides per call: 'pass', 'fail-before' or 'fail-after'. */
export type FaultPlan = (commandName: string) => 'pass' | 'fail-before' | 'fail-after';

class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

/** Adds the fault middleware to `client` (a dedicated client: it stays on it). */
export function injectFaults(client: DynamoDBClient, plan: FaultPlan): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const decision = plan(context.commandName ?? '');
      if (decision === 'fail-before')
        throw new InjectedFault(`injected failure before ${context.commandName}`);
      const result = await next(args);
      if (decision === 'fail-after')
        throw new InjectedFault(`injected failure after ${context.commandName} took effect`);
      return result;
    },
    { step: 'initialize', name: 'injectFaults' },
  );
}
