/**
 * Compiles the JSON text of an EventBridge event pattern into a {@link CompiledPattern}, with
 * the structural rules EventBridge enforces (aws/event-ruler's JsonRuleCompiler): the pattern
 * is a non-empty object, each field holds a non-empty array of values or a nested object, and
 * `$or` holds an array of at least two non-empty objects.
 */

import { InvalidEventPatternError } from './errors.ts';
import { compileMatchExpression, OPERATOR_NAMES } from './operators.ts';
import type { CompiledPattern, Condition, PatternNode, ValueMatcher } from './types.ts';

const OR_KEYWORD = '$or';

/**
 * Parses and validates an event pattern.
 *
 * @throws InvalidEventPatternError naming the offending part of the pattern.
 * @example
 * const p = compilePattern('{"source":["telemetry.anomalies"],"detail":{"score":[{"numeric":[">",3]}]}}');
 * matches(p, event); // true or false
 */
export function compilePattern(json: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new InvalidEventPatternError(`it is not valid JSON (${(error as Error).message})`, {
      path: [],
      received: json,
    });
  }
  if (!isPlainObject(parsed)) {
    throw new InvalidEventPatternError('the pattern must be a JSON object', {
      path: [],
      received: parsed,
    });
  }
  return { root: compileNode(parsed, [], false), source: json };
}

function compileNode(
  object: Record<string, unknown>,
  path: readonly string[],
  insideOr: boolean,
): PatternNode {
  const keys = Object.keys(object);
  if (keys.length === 0) {
    throw new InvalidEventPatternError('empty objects are not allowed', { path, received: object });
  }
  const allOf: Condition[] = [];
  for (const key of keys) {
    const value = object[key];
    if (key === OR_KEYWORD) {
      allOf.push(compileOr(value, path));
      continue;
    }
    const fieldPath = [...path, key];
    if (insideOr && OPERATOR_NAMES.has(key)) {
      throw new InvalidEventPatternError(
        `"${key}" is an operator name and cannot be used as a field inside ${OR_KEYWORD}`,
        { path: fieldPath, received: value },
      );
    }
    if (Array.isArray(value)) {
      allOf.push({ kind: 'field', key, anyOf: compileValues(value, fieldPath) });
    } else if (isPlainObject(value)) {
      allOf.push({ kind: 'object', key, node: compileNode(value, fieldPath, insideOr) });
    } else {
      throw new InvalidEventPatternError(
        `"${key}" must be an object or an array of values to match`,
        { path: fieldPath, received: value },
      );
    }
  }
  return { allOf };
}

function compileOr(value: unknown, path: readonly string[]): Condition {
  const orPath = [...path, OR_KEYWORD];
  if (!Array.isArray(value)) {
    throw new InvalidEventPatternError(`${OR_KEYWORD} must be followed by an array of objects`, {
      path: orPath,
      received: value,
    });
  }
  if (value.length < 2) {
    throw new InvalidEventPatternError(`${OR_KEYWORD} needs at least 2 objects`, {
      path: orPath,
      received: value,
    });
  }
  const branches = value.map((branch, index) => {
    if (!isPlainObject(branch)) {
      throw new InvalidEventPatternError(`only JSON objects are allowed in ${OR_KEYWORD}`, {
        path: [...orPath, String(index)],
        received: branch,
      });
    }
    // A branch adds no step to the path: its fields sit at the level of the `$or` itself.
    return compileNode(branch, path, true);
  });
  return { kind: 'or', branches };
}

function compileValues(values: readonly unknown[], path: readonly string[]): ValueMatcher[] {
  if (values.length === 0) {
    throw new InvalidEventPatternError('empty arrays are not allowed', { path, received: values });
  }
  return values.map((value): ValueMatcher => {
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      value === null ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      return { kind: 'exact', value };
    }
    if (isPlainObject(value)) return compileMatchExpression(value, path);
    throw new InvalidEventPatternError(
      'a match value must be a string, number, true, false, null or a match expression object',
      { path, received: value },
    );
  });
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
