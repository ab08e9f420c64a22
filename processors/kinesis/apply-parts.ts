/**
 * Filter-then-merge against the store, per part: read every part a batch touches (BatchGetItem),
 * absorb each plan into what was read, and write it back on condition that the mark is still
 * the one read. A lost condition means another invocation wrote the part first (a duplicate or
 * overlapping delivery): re-read and decide again, so nothing is absorbed twice.
 */

import { emptyWindowState } from '../aggregates/window-state.ts';
import type { StoredPart } from '../engine/absorb.ts';
import {
  type AbsorbOptions,
  absorbPlan,
  type LateEvent,
  type ShardTime,
} from '../engine/absorb.ts';
import type { PartPlan } from '../engine/batch-plan.ts';
import { mapBounded } from '../engine/bounded.ts';
import {
  isWindowClosed,
  lookupPart,
  type PartStoreOptions,
  readClosedWindows,
  readPart,
  readParts,
  writePart,
} from '../store/part-store.ts';

/** What happened to one part. */
export type PartResult =
  | {
      readonly status: 'written' | 'unchanged';
      readonly plan: PartPlan;
      readonly absorbed: number;
      readonly duplicates: number;
      readonly late: readonly LateEvent[];
    }
  | { readonly status: 'failed'; readonly plan: PartPlan; readonly error: unknown };

/** Options of {@link applyPlans}. */
export interface ApplyOptions extends AbsorbOptions {
  readonly store: PartStoreOptions;
  readonly maxConcurrentWrites: number;
  readonly maxConditionRetries: number;
  readonly nowMillis: number;
}

/** Stands in for a part that does not exist in a window already finished: everything is late. */
function finishedWindowPart(relativeAccuracy: number): StoredPart {
  return {
    state: emptyWindowState(relativeAccuracy),
    recentIdHashes: [],
    marks: new Map(),
    version: 0,
    closed: true,
  };
}

/**
 * Parts read, absorbed and written together. Bounds the heap: a stored part holds its sketch and
 * up to `dedupHorizonEvents` hashes (16 KiB at 2,048), so reading all 30,000 parts of a batch
 * over 10,000 sources and three window sizes at once needed more than 256 MiB. 1,000 parts are
 * ten full BatchGetItem calls: no extra DynamoDB calls per part.
 */
export const PARTS_PER_CHUNK = 1_000;

/** Applies every plan; never throws for one part's failure (its result says `failed`). */
export async function applyPlans(
  plans: readonly PartPlan[],
  time: (plan: PartPlan) => ShardTime,
  options: ApplyOptions,
): Promise<PartResult[]> {
  const results: PartResult[] = [];
  for (let i = 0; i < plans.length; i += PARTS_PER_CHUNK) {
    results.push(...(await applyChunk(plans.slice(i, i + PARTS_PER_CHUNK), time, options)));
  }
  return results;
}

async function applyChunk(
  plans: readonly PartPlan[],
  time: (plan: PartPlan) => ShardTime,
  options: ApplyOptions,
): Promise<PartResult[]> {
  let stored: Awaited<ReturnType<typeof readParts>>;
  let closedWindows: Set<string>;
  try {
    stored = await readParts(
      options.store,
      plans.map((p) => p.key),
    );
    const missing = plans.filter((p) => lookupPart(stored, p.key) === undefined).map((p) => p.key);
    closedWindows =
      missing.length > 0 ? await readClosedWindows(options.store, missing) : new Set();
  } catch (error) {
    return plans.map((plan) => ({ status: 'failed', plan, error }));
  }
  return mapBounded(plans, options.maxConcurrentWrites, async (plan): Promise<PartResult> => {
    let current =
      lookupPart(stored, plan.key) ??
      (isWindowClosed(closedWindows, plan.key)
        ? finishedWindowPart(options.relativeAccuracy)
        : undefined);
    try {
      for (let attempt = 0; attempt <= options.maxConditionRetries; attempt++) {
        // Read again, never reused: `absorbPlan` consumes the part it is given (its sketch and
        // horizon become the next part's), and each part of `stored` belongs to one plan.
        if (attempt > 0) current = await readPart(options.store, plan.key);
        const outcome = absorbPlan(current, plan, time(plan), options);
        const counts = {
          plan,
          absorbed: outcome.absorbed,
          duplicates: outcome.duplicates,
          late: outcome.late,
        };
        if (outcome.next === undefined) return { status: 'unchanged', ...counts };
        const write = await writePart(
          options.store,
          plan.key,
          outcome.next,
          current?.version,
          options.nowMillis,
        );
        if (write.status === 'written') return { status: 'written', ...counts };
      }
      return {
        status: 'failed',
        plan,
        error: new Error(
          `part kept losing its write condition after ${options.maxConditionRetries} re-reads`,
        ),
      };
    } catch (error) {
      return { status: 'failed', plan, error };
    }
  });
}
