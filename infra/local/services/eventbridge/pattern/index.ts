/**
 * EventBridge event patterns: compile once with {@link compilePattern}, then test events with
 * {@link matches}. Shared by the local EventBridge server (PutRule, PutEvents, TestEventPattern).
 */

export { compilePattern } from './compile.ts';
export { InvalidEventPatternError } from './errors.ts';
export { matches } from './match.ts';
export type { CompiledPattern } from './types.ts';
