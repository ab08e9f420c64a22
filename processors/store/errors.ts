/** Errors of the DynamoDB adapter: SDK failures turned into the project's own, with context. */

/** A DynamoDB call failed for a reason other than a lost condition. */
export class AggregateStoreError extends Error {
  override readonly name = 'AggregateStoreError';
  readonly operation: string;
  readonly tableName: string;
  constructor(
    operation: string,
    context: { readonly tableName: string; readonly detail?: string },
    cause: unknown,
  ) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `DynamoDB ${operation} on table ${context.tableName} failed${context.detail ? ` (${context.detail})` : ''}: ${why}`,
      { cause },
    );
    this.operation = operation;
    this.tableName = context.tableName;
  }
}

/** True for the SDK's lost-condition error (by name: the class differs between SDK copies). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
