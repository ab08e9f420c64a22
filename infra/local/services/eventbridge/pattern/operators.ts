/**
 * The match expressions of an event pattern (`{"prefix": ...}`, `{"numeric": [...]}`, ...), as
 * the EventBridge comparison-operator reference defines them. One compiler per operator name,
 * looked up in a table.
 */

import { parseCidr } from './cidr.ts';
import { InvalidEventPatternError } from './errors.ts';
import type { Exclusion, NumericRange, ValueMatcher } from './types.ts';
import { compileWildcard } from './wildcard.ts';

type Path = readonly string[];
type OperatorCompiler = (operand: unknown, path: Path) => ValueMatcher;

const IGNORE_CASE = 'equals-ignore-case';

const OPERATORS: Readonly<Record<string, OperatorCompiler>> = {
  prefix: (operand, path) => affix('prefix', operand, path),
  suffix: (operand, path) => affix('suffix', operand, path),
  [IGNORE_CASE]: (operand, path) => ({
    kind: 'equals-ignore-case',
    value: requireString(operand, IGNORE_CASE, path),
  }),
  wildcard: (operand, path) => {
    const source = requireString(operand, 'wildcard', path);
    return { kind: 'wildcard', wildcard: compileWildcard(source, path) };
  },
  numeric: (operand, path) => ({ kind: 'numeric', range: compileNumeric(operand, path) }),
  cidr: (operand, path) => {
    const text = requireString(operand, 'cidr', path);
    const range = parseCidr(text);
    if (range === undefined) fail(`"${text}" is not a valid CIDR block`, path, operand);
    return { kind: 'cidr', range };
  },
  exists: (operand, path) => {
    if (operand === true) return { kind: 'exists' };
    if (operand === false) return { kind: 'absent', path };
    return fail('exists must be either true or false', path, operand);
  },
  'anything-but': (operand, path) => ({ kind: 'anything-but', exclude: exclusion(operand, path) }),
};

/** Names that are operators, hence not allowed as field names inside `$or`. */
export const OPERATOR_NAMES: ReadonlySet<string> = new Set(Object.keys(OPERATORS));

/** Compiles one `{ "<operator>": <operand> }` object of a field's value array. */
export function compileMatchExpression(
  expression: Record<string, unknown>,
  path: Path,
): ValueMatcher {
  const [name, ...extra] = Object.keys(expression);
  if (name === undefined) fail('a match expression needs an operator', path, expression);
  if (extra.length > 0) fail('only one key is allowed in a match expression', path, expression);
  const compile = OPERATORS[name];
  if (compile === undefined) {
    return fail(
      `unrecognized match type "${name}" (expected one of ${[...OPERATOR_NAMES].join(', ')})`,
      path,
      expression,
    );
  }
  return compile(expression[name], path);
}

function affix(kind: 'prefix' | 'suffix', operand: unknown, path: Path): ValueMatcher {
  if (typeof operand === 'string') return { kind, value: operand, ignoreCase: false };
  const inner = singleKeyObject(operand, kind, path);
  if (inner?.key === IGNORE_CASE) {
    return {
      kind,
      value: requireString(inner.value, `${kind}/${IGNORE_CASE}`, path),
      ignoreCase: true,
    };
  }
  return fail(`${kind} must be a string or {"${IGNORE_CASE}": string}`, path, operand);
}

function exclusion(operand: unknown, path: Path): Exclusion {
  if (typeof operand === 'string') return { kind: 'strings', values: new Set([operand]) };
  if (typeof operand === 'number') return { kind: 'numbers', values: [operand] };
  if (Array.isArray(operand)) {
    if (operand.length > 0 && operand.every((v) => typeof v === 'string')) {
      return { kind: 'strings', values: new Set(operand) };
    }
    if (operand.length > 0 && operand.every((v) => typeof v === 'number')) {
      return { kind: 'numbers', values: operand };
    }
    return fail('an anything-but list must hold only strings or only numbers', path, operand);
  }
  const inner = singleKeyObject(operand, 'anything-but', path);
  switch (inner?.key) {
    case 'prefix':
    case 'suffix': {
      const value = requireString(inner.value, `anything-but/${inner.key}`, path);
      if (value === '') fail(`anything-but/${inner.key} must not be empty`, path, operand);
      return { kind: inner.key, value };
    }
    case IGNORE_CASE:
      return {
        kind: IGNORE_CASE,
        values: new Set(stringOrStrings(inner.value, `anything-but/${IGNORE_CASE}`, path)),
      };
    case 'wildcard':
      return {
        kind: 'wildcard',
        wildcards: stringOrStrings(inner.value, 'anything-but/wildcard', path).map((w) =>
          compileWildcard(w, path),
        ),
      };
    default:
      return fail(
        `anything-but must be a string, a number, a list of either, or one of prefix, suffix, ${IGNORE_CASE}, wildcard`,
        path,
        operand,
      );
  }
}

/** `[op, n]`, `["=", n]` or `[">"|">=", n, "<"|"<=", n]`. */
function compileNumeric(operand: unknown, path: Path): NumericRange {
  if (!Array.isArray(operand) || operand.length === 0) {
    return fail('numeric must be a non-empty array such as [">", 0, "<=", 5]', path, operand);
  }
  const [op, value, op2, value2, ...rest] = operand as unknown[];
  const n = requireNumber(value, op, path);
  const tooMany = () => fail('too many elements in numeric expression', path, operand);
  switch (op) {
    case '=':
      if (operand.length > 2) tooMany();
      return { lower: { value: n, inclusive: true }, upper: { value: n, inclusive: true } };
    case '<':
    case '<=':
      if (operand.length > 2) tooMany();
      return { upper: { value: n, inclusive: op === '<=' } };
    case '>':
    case '>=': {
      const lower = { value: n, inclusive: op === '>=' };
      if (operand.length === 2) return { lower };
      if (rest.length > 0) tooMany();
      if (op2 !== '<' && op2 !== '<=') {
        fail(
          `bad numeric range operator ${JSON.stringify(op2)} (expected "<" or "<=")`,
          path,
          operand,
        );
      }
      const top = requireNumber(value2, op2, path);
      if (n >= top) fail(`numeric range bottom ${n} must be less than top ${top}`, path, operand);
      return { lower, upper: { value: top, inclusive: op2 === '<=' } };
    }
    default:
      return fail(`unrecognized numeric operator ${JSON.stringify(op)}`, path, operand);
  }
}

function requireNumber(value: unknown, op: unknown, path: Path): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail(`value of ${String(op)} must be numeric`, path, value);
  }
  return value;
}

function requireString(value: unknown, what: string, path: Path): string {
  if (typeof value !== 'string') return fail(`${what} match pattern must be a string`, path, value);
  return value;
}

function stringOrStrings(value: unknown, what: string, path: Path): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    return value;
  }
  return fail(`${what} must be a string or a non-empty list of strings`, path, value);
}

function singleKeyObject(
  value: unknown,
  what: string,
  path: Path,
): { key: string; value: unknown } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) fail(`${what} expression must have exactly one key`, path, value);
  const key = keys[0]!;
  return { key, value: (value as Record<string, unknown>)[key] };
}

function fail(message: string, path: Path, received: unknown): never {
  throw new InvalidEventPatternError(message, { path, received });
}
