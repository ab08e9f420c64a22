import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../infra/errors.ts';
import { ingestConfigFromEnv, resolveIngestConfig } from '../../ingest/config.ts';

const env = { STREAM_NAME: 's', INGEST_API_KEYS: ' a , b ,,', AWS_REGION: 'us-east-1' };

describe('ingestConfigFromEnv', () => {
  it('reads the stream and the comma-separated keys', () => {
    const config = ingestConfigFromEnv(env);
    expect(config.streamName).toBe('s');
    expect(config.apiKeys).toEqual(['a', 'b']);
    config.kinesis.destroy();
  });

  it('names a missing or malformed variable', () => {
    expect(() => ingestConfigFromEnv({ INGEST_API_KEYS: 'a' })).toThrow(/STREAM_NAME/);
    expect(() => ingestConfigFromEnv({ STREAM_NAME: 's', INGEST_API_KEYS: ' , ' })).toThrow(
      ConfigError,
    );
    expect(() => ingestConfigFromEnv({ ...env, INGEST_AGGREGATION: 'yes' })).toThrow(
      /INGEST_AGGREGATION/,
    );
    expect(() =>
      ingestConfigFromEnv({ ...env, INGEST_MAX_AGGREGATED_RECORD_BYTES: '2000000' }),
    ).toThrow(/INGEST_MAX_AGGREGATED_RECORD_BYTES/);
  });
});

describe('resolveIngestConfig', () => {
  it('refuses a source length that leaves no room for the sub-key suffix', () => {
    const config = ingestConfigFromEnv(env);
    expect(() =>
      resolveIngestConfig({ ...config, maxSourceLength: 255, hotKeySubKeys: 4 }),
    ).toThrow(/maxSourceLength must be 1\.\.254/);
    expect(
      resolveIngestConfig({ ...config, maxSourceLength: 256, hotKeySubKeys: 1 }).maxSourceLength,
    ).toBe(256);
    config.kinesis.destroy();
  });
});
