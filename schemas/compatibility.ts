/**
 * Schema evolution rules, in the spirit of a schema registry's compatibility modes, decided by
 * avsc's own resolution: a reader can read a writer's records exactly when
 * `reader.createResolver(writer)` succeeds (it throws on a reader field with no writer field and
 * no default, on a type change with no promotion, on an enum symbol the reader lacks...).
 *
 * - BACKWARD: the new version reads what every earlier version wrote (upgrade readers first).
 * - FORWARD: every earlier version reads what the new version writes (upgrade writers first).
 * We require both, against every earlier version (a registry's FULL_TRANSITIVE): Kinesis keeps
 * records for days, and producers and processors are deployed independently, so any published
 * writer may meet any published reader.
 */

import avro from 'avsc';

/** Whether one reader version can read one writer version. */
export type ReadOutcome =
  | { readonly status: 'compatible' }
  | { readonly status: 'incompatible'; readonly reason: string };

/** Decides whether records written with `writer` can be read with `reader`. */
export function canRead(reader: avro.Schema, writer: avro.Schema): ReadOutcome {
  try {
    const readerType = avro.Type.forSchema(reader);
    readerType.createResolver(avro.Type.forSchema(writer));
    return { status: 'compatible' };
  } catch (cause) {
    return { status: 'incompatible', reason: (cause as Error).message };
  }
}

/** One pair of versions that cannot read each other, in one direction. */
export interface CompatibilityViolation {
  readonly mode: 'BACKWARD' | 'FORWARD';
  /** 1-based version numbers. */
  readonly readerVersion: number;
  readonly writerVersion: number;
  /** avsc's explanation (names the offending type). */
  readonly reason: string;
}

/**
 * Checks `candidate` (the version about to be published, or the newest one) against each of
 * `earlier` (versions 1..N, oldest first) in both directions.
 *
 * @returns the violations; empty when the candidate is fully transitively compatible.
 */
export function checkEvolution(
  earlier: readonly avro.Schema[],
  candidate: avro.Schema,
): readonly CompatibilityViolation[] {
  const candidateVersion = earlier.length + 1;
  const violations: CompatibilityViolation[] = [];
  earlier.forEach((old, index) => {
    const oldVersion = index + 1;
    const backward = canRead(candidate, old);
    if (backward.status === 'incompatible') {
      violations.push({
        mode: 'BACKWARD',
        readerVersion: candidateVersion,
        writerVersion: oldVersion,
        reason: backward.reason,
      });
    }
    const forward = canRead(old, candidate);
    if (forward.status === 'incompatible') {
      violations.push({
        mode: 'FORWARD',
        readerVersion: oldVersion,
        writerVersion: candidateVersion,
        reason: forward.reason,
      });
    }
  });
  return violations;
}

/** Checks a whole history: every version against every earlier one, both directions. */
export function checkHistory(versions: readonly avro.Schema[]): readonly CompatibilityViolation[] {
  return versions.flatMap((candidate, index) =>
    checkEvolution(versions.slice(0, index), candidate),
  );
}

/** One line per violation, for test failures and the CLI. */
export function describeViolation(name: string, violation: CompatibilityViolation): string {
  const { mode, readerVersion, writerVersion, reason } = violation;
  return `${name} ${mode}: v${readerVersion} cannot read records written by v${writerVersion}: ${reason}`;
}
