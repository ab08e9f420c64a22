/**
 * Synthetic telemetry for the built-in load generator: a fixed set of sources and metrics with
 * values around a per-source level, so windows hold realistic spreads. Deterministic from a seed,
 * so a run can be repeated.
 */

import type { TelemetryEvent } from '../../../schemas/types.ts';

/** Options of {@link EventFactory}. */
export interface EventFactoryOptions {
  /** @default 100 */
  readonly sources?: number;
  /** @default ['cpu.utilization', 'request.latency_ms'] */
  readonly metrics?: readonly string[];
  /** @default 1 */
  readonly seed?: number;
  /** Prefix of event ids, unique per run so re-runs against a persisted stack do not collide. @default a random one */
  readonly runId?: string;
}

/** Makes telemetry events; `next(now)` stamps them with the given event time. */
export class EventFactory {
  readonly sources: readonly string[];
  readonly metrics: readonly string[];
  readonly #runId: string;
  #state: number;
  #sequence = 0;

  constructor(options: EventFactoryOptions = {}) {
    const count = options.sources ?? 100;
    this.sources = Array.from({ length: count }, (_, i) => `source-${String(i).padStart(4, '0')}`);
    this.metrics = options.metrics ?? ['cpu.utilization', 'request.latency_ms'];
    this.#state = (options.seed ?? 1) >>> 0 || 1;
    this.#runId = options.runId ?? Math.random().toString(36).slice(2, 10);
  }

  /** The next event: sources and metrics round-robin, values pseudo-random around a level. */
  next(timestamp: number): TelemetryEvent {
    const n = this.#sequence++;
    const sourceIndex = n % this.sources.length;
    const metricIndex = Math.floor(n / this.sources.length) % this.metrics.length;
    const level = 10 + (sourceIndex % 10) * 5;
    return {
      eventId: `${this.#runId}-${n}`,
      source: this.sources[sourceIndex]!,
      metric: this.metrics[metricIndex]!,
      value: Math.round((level + this.#random() * 10) * 1000) / 1000,
      timestamp,
      attributes: { region: sourceIndex % 2 === 0 ? 'eu-west-1' : 'us-east-1' },
    };
  }

  /** xorshift32: fast, deterministic, good enough for synthetic values. */
  #random(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x1_0000_0000;
  }
}
