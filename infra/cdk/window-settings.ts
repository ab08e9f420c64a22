/**
 * Window settings of the processor and the sweep, rendered as the environment variables their
 * handlers read. Each setting is optional: an unset one leaves the handler's own default in force,
 * so a default lives in one place (`processors/kinesis/config.ts`), not here as well.
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

/** The environment variables of `settings`, only those that are set. */
export function windowSettingsEnvironment(settings: WindowSettings = {}): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.tumblingSizesMillis !== undefined)
    env.WINDOW_SIZES_MILLIS = settings.tumblingSizesMillis.join(',');
  if (settings.hopping !== undefined)
    env.HOPPING_WINDOWS_MILLIS = settings.hopping
      .map((h) => `${h.sizeMillis}/${h.slideMillis}`)
      .join(',');
  if (settings.allowedLatenessMillis !== undefined)
    env.ALLOWED_LATENESS_MILLIS = String(settings.allowedLatenessMillis);
  if (settings.idleTimeoutMillis !== undefined)
    env.IDLE_TIMEOUT_MILLIS = String(settings.idleTimeoutMillis);
  if (settings.retentionSeconds !== undefined)
    env.AGGREGATE_RETENTION_SECONDS = String(settings.retentionSeconds);
  return env;
}

/**
 * Checks `settings` with the processor's own parser and validator, so a setting the handler
 * would reject at cold start fails `cdk synth` instead, with the handler's message.
 */
export function checkWindowSettings(where: string, settings: WindowSettings = {}): void {
  const env = { TABLE_NAME: 'synth-time-check', ...windowSettingsEnvironment(settings) };
  try {
    const config = processorConfigFromEnv(env);
    config.dynamoDb.destroy();
    resolveProcessorConfig(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new InfraPropsError(
      {
        where,
        setting: `windowSettings (${error.setting})`,
        expected: 'accepted by the processor',
        received: settings,
      },
      error.message,
    );
  }
}
