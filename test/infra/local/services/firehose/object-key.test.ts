import { describe, expect, it } from 'vitest';
import { objectKey } from '../../../../../infra/local/services/firehose/object-key.ts';

describe('objectKey', () => {
  it('lays out YYYY/MM/DD/HH/<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<suffix> in UTC, zero-padded', () => {
    const key = objectKey({
      streamName: 'window-archive',
      version: 1,
      arrival: new Date('2025-03-04T05:06:07.890Z'),
      suffix: 'abc',
    });
    expect(key).toBe('2025/03/04/05/window-archive-1-2025-03-04-05-06-07-abc');
  });

  it('puts a literal prefix before the time path', () => {
    const key = objectKey({
      streamName: 's',
      version: 2,
      arrival: new Date('2025-12-31T23:59:59.999Z'),
      prefix: 'windows/',
      suffix: 'x',
    });
    expect(key).toBe('windows/2025/12/31/23/s-2-2025-12-31-23-59-59-x');
  });

  it('ends with a random UUID by default', () => {
    const key = objectKey({ streamName: 's', version: 1, arrival: new Date(0) });
    expect(key).toMatch(/^1970\/01\/01\/00\/s-1-1970-01-01-00-00-00-[0-9a-f-]{36}$/);
  });
});
