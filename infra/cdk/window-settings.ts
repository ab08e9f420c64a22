/**
 * Settings of the processor and the sweep, rendered as the environment variables their handlers
 * read (`processorConfigFromEnv`). Each window setting is optional: an unset one leaves the
 * handler's own default in force, so a default lives in one place (`processors/kinesis/config.ts`),
 * not here as well.
 */

import { processorConfigFromEnv, resolveProcessorConfig } from '../../processors/kinesis/config.ts';
import { ConfigError } from '../errors.ts';
import { InfraPropsError } from './errors.ts';

/** Windowing of the deployed processor. */
export interface WindowSettings {
  /** Tumbling window sizes (`WINDOW_SIZES_MILLIS`). @default the handler's (one minute) */
  readonly tumblingSizesMillis?: readonly number[];
  /** Hopping windows (`HOPPING_WINDOWS_MILLIS`). @default none */
  readonly hopping?: readonly { readonly sizeMillis: number; readonly slideMillis: number }[];
  /** `ALLOWED_LATENESS_MILLIS`. @default the handler's */
  readonly allowedLatenessMillis?: number;
  /** `IDLE_TIMEOUT_MILLIS`: when the sweep closes the windows of an idle shard. @default the handler's */
  readonly idleTimeoutMillis?: number;
  /** `AGGREGATE_RETENTION_SECONDS`: TTL of window items after their end. @default the handler's */
  readonly retentionSeconds?: number;
}

/**
 * The settings part of the processor's environment: the window settings that are set, and the
 * event source mapping's parallelization factor, from which the processor picks its ordering
 * unit (the shard when 1, the partition key above).
 */
export function processorSettingsEnvironment(
  settings: WindowSettings,
  parallelizationFactor: number,
): Record<string, string> {
  const env: Record<string, string> = { PARALLELIZATION_FACTOR: String(parallelizationFactor) };
  if (settings.tumblingSizesMillis !== undefined) {
    env.WINDOW_SIZES_MILLIS = settings.tumblingSizesMillis.join(',');
  }
  if (settings.hopping !== undefined) {
    env.HOPPING_WINDOWS_MILLIS = settings.hopping
      .map((h) => `${h.sizeMillis}/${h.slideMillis}`)
      .join(',');
  }
  if (settings.allowedLatenessMillis !== undefined) {
    env.ALLOWED_LATENESS_MILLIS = String(settings.allowedLatenessMillis);
  }
  if (settings.idleTimeoutMillis !== undefined)
    env.IDLE_TIMEOUT_MILLIS = String(settings.idleTimeoutMillis);
  if (settings.retentionSeconds !== undefined) {
    env.AGGREGATE_RETENTION_SECONDS = String(settings.retentionSeconds);
  }
  return env;
}

/**
 * Checks a settings environment with the processor's own parser and validator, so a setting the
 * handler would reject at cold start fails `cdk synth` instead, with the handler's message.
 */
export function checkProcessorSettings(where: string, env: Readonly<Record<string, string>>): void {
  try {
    const config = processorConfigFromEnv({ TABLE_NAME: 'synth-time-check', ...env });
    config.dynamoDb.destroy();
    resolveProcessorConfig(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new InfraPropsError(
      {
        where,
        setting: `processor settings (${error.setting})`,
        expected: 'accepted by the processor',
        received: env,
      },
      error.message,
    );
  }
}
