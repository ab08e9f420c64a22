/** Errors of configuration and hosting, shared by every entry point. */

/** A setting is missing or malformed; the message names the setting and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly setting: string;
  constructor(message: string, context: { readonly name: string }) {
    super(message);
    this.setting = context.name;
  }
}
