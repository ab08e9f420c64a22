/**
 * Eager prop checks shared by the constructs. Each throws {@link InfraPropsError} with the value
 * received; unresolved CDK tokens (a `CfnParameter`, an attribute of another resource) pass
 * unchecked, since their value is only known at deploy time.
 */

import { Token } from 'aws-cdk-lib';
import { InfraPropsError } from './errors.ts';

/** An integer in `[min, max]`. */
export function checkIntInRange(
  where: string,
  setting: string,
  value: number,
  min: number,
  max: number,
  hint?: string,
): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InfraPropsError(
      { where, setting, expected: `an integer in [${min}, ${max}]`, received: value },
      hint,
    );
  }
  return value;
}

/** A name that matches `pattern` (described by `expected`). */
export function checkName(
  where: string,
  setting: string,
  value: string,
  pattern: RegExp,
  expected: string,
): string {
  if (Token.isUnresolved(value)) return value;
  if (!pattern.test(value))
    throw new InfraPropsError({ where, setting, expected, received: value });
  return value;
}
