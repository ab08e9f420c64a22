/**
 * SNS subscription filter policies, on message attributes (the default scope) or on the message
 * body (`FilterPolicyScope: MessageBody`). A policy is a map of keys to lists of conditions: a key
 * matches when any condition matches any of its values, and the policy matches when every key
 * does (`$or` takes alternatives). Conditions: exact strings and numbers, `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (values, or a prefix/suffix), `numeric` ranges and `exists`.
 * Reference: https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 */

import { SNS_TOPICS } from '../../../limits.ts';
import { SNS_ERRORS } from './errors.ts';

/** A policy node: keys to condition lists, or (body scope) to nested nodes; `$or` lists alternatives. */
export type PolicyNode = { readonly [key: string]: readonly unknown[] | PolicyNode };

/** The values a key has in a message (an attribute's, or a body path's). */
type Lookup = (path: readonly string[]) => { present: boolean; values: readonly unknown[] };

const NUMERIC_OPS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function invalid(reason: string): Error {
  return SNS_ERRORS.invalidParameter(`FilterPolicy: ${reason}`);
}

function checkCondition(condition: unknown): void {
  if (condition === null || typeof condition === 'string' || typeof condition === 'number') return;
  if (typeof condition !== 'object' || Array.isArray(condition)) {
    throw invalid(`Match value must be String, number, true, false, or null`);
  }
  const entries = Object.entries(condition as Record<string, unknown>);
  if (entries.length !== 1) throw invalid('Each match object must have exactly one operator');
  const [operator, operand] = entries[0]!;
  const ok: Record<string, () => boolean> = {
    prefix: () => typeof operand === 'string',
    suffix: () => typeof operand === 'string',
    'equals-ignore-case': () => typeof operand === 'string',
    exists: () => typeof operand === 'boolean',
    'anything-but': () =>
      typeof operand === 'string' ||
      typeof operand === 'number' ||
      (Array.isArray(operand) &&
        operand.every((v) => typeof v === 'string' || typeof v === 'number')) ||
      (typeof operand === 'object' &&
        operand !== null &&
        ('prefix' in operand || 'suffix' in operand)),
    numeric: () =>
      Array.isArray(operand) &&
      operand.length % 2 === 0 &&
      operand.length > 0 &&
      operand.every((v, i) =>
        i % 2 === 0 ? typeof v === 'string' && v in NUMERIC_OPS : typeof v === 'number',
      ),
  };
  const check = ok[operator];
  if (check === undefined) throw invalid(`Unrecognized match type ${operator}`);
  if (!check()) throw invalid(`Invalid operand for ${operator}: ${JSON.stringify(operand)}`);
}

/** Checks a policy's shape and limits; returns the key count and combinations. */
function checkNode(node: unknown, allowNesting: boolean): { keys: number; combinations: number } {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw invalid('Filter policy must be a JSON object');
  }
  let keys = 0;
  let combinations = 1;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        throw invalid('$or must list at least two policies');
      let sum = 0;
      for (const alternative of value) {
        const inner = checkNode(alternative, allowNesting);
        keys = Math.max(keys, inner.keys);
        sum += inner.combinations;
      }
      combinations *= sum;
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw invalid(`Empty arrays are not allowed (key ${key})`);
      for (const condition of value) checkCondition(condition);
      keys += 1;
      combinations *= value.length;
    } else if (allowNesting && typeof value === 'object' && value !== null) {
      const inner = checkNode(value, true);
      keys += inner.keys;
      combinations *= inner.combinations;
    } else {
      throw invalid(`Match rules of key ${key} must be a JSON array`);
    }
  }
  return { keys, combinations };
}

/** Parses and validates a policy document for a scope, with SNS's limits. */
export function parseFilterPolicy(
  text: string,
  scope: 'MessageAttributes' | 'MessageBody',
): PolicyNode {
  if (Buffer.byteLength(text) > SNS_TOPICS.maxFilterPolicyBytes)
    throw invalid('Filter policy is too long');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('failed to parse JSON');
  }
  const { keys, combinations } = checkNode(parsed, scope === 'MessageBody');
  if (keys > SNS_TOPICS.maxFilterPolicyKeys) {
    throw invalid(`Filter policy can not have more than ${SNS_TOPICS.maxFilterPolicyKeys} keys`);
  }
  if (combinations > SNS_TOPICS.maxFilterPolicyCombinations)
    throw invalid('Filter policy is too complex');
  return parsed as PolicyNode;
}

function matchesValue(condition: unknown, value: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return condition === value;
  const [operator, operand] = Object.entries(condition as Record<string, unknown>)[0]!;
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(operand as string);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(operand as string);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === (operand as string).toLowerCase();
    case 'anything-but': {
      if (Array.isArray(operand)) return !operand.includes(value);
      if (typeof operand === 'object' && operand !== null) {
        const inner = operand as { prefix?: string; suffix?: string };
        if (typeof value !== 'string') return true;
        if (inner.prefix !== undefined) return !value.startsWith(inner.prefix);
        return !value.endsWith(inner.suffix ?? '');
      }
      return value !== operand;
    }
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const terms = operand as readonly (string | number)[];
      for (let i = 0; i < terms.length; i += 2) {
        if (!NUMERIC_OPS[terms[i] as string]!(value, terms[i + 1] as number)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function matchesKey(
  conditions: readonly unknown[],
  found: { present: boolean; values: readonly unknown[] },
): boolean {
  return conditions.some((condition) => {
    if (condition !== null && typeof condition === 'object' && 'exists' in condition) {
      return (condition as { exists: boolean }).exists === found.present;
    }
    return found.present && found.values.some((value) => matchesValue(condition, value));
  });
}

function matchesNode(node: PolicyNode, lookup: Lookup, path: readonly string[]): boolean {
  return Object.entries(node).every(([key, rule]) => {
    if (key === '$or')
      return (rule as unknown as PolicyNode[]).some((alt) => matchesNode(alt, lookup, path));
    if (Array.isArray(rule)) return matchesKey(rule, lookup([...path, key]));
    return matchesNode(rule as PolicyNode, lookup, [...path, key]);
  });
}

/** A message attribute as SNS carries it. */
export interface SnsMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** Whether message attributes match a MessageAttributes-scope policy. */
export function matchesAttributes(
  policy: PolicyNode,
  attributes: Readonly<Record<string, SnsMessageAttribute>>,
): boolean {
  return matchesNode(
    policy,
    (path) => {
      const attribute = attributes[path.join('.')];
      if (attribute === undefined) return { present: false, values: [] };
      const text = attribute.StringValue ?? '';
      if (attribute.DataType.startsWith('Number')) return { present: true, values: [Number(text)] };
      if (attribute.DataType === 'String.Array') {
        try {
          const array = JSON.parse(text) as unknown;
          return { present: true, values: Array.isArray(array) ? array : [array] };
        } catch {
          return { present: true, values: [] };
        }
      }
      if (attribute.DataType.startsWith('Binary')) return { present: true, values: [] };
      return { present: true, values: [text] };
    },
    [],
  );
}

/** Whether a message body (a JSON object) matches a MessageBody-scope policy. */
export function matchesBody(policy: PolicyNode, body: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof document !== 'object' || document === null) return false;
  return matchesNode(
    policy,
    (path) => {
      let value: unknown = document;
      for (const segment of path) {
        if (typeof value !== 'object' || value === null || !(segment in value))
          return { present: false, values: [] };
        value = (value as Record<string, unknown>)[segment];
      }
      return { present: true, values: Array.isArray(value) ? value : [value] };
    },
    [],
  );
}
