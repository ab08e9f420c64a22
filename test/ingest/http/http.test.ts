import { describe, expect, it } from 'vitest';
import { ApiKeys } from '../../../ingest/http/api-keys.ts';
import { RateLimiter } from '../../../ingest/http/rate-limit.ts';
import { headerOf } from '../../../ingest/http/request.ts';

describe('ApiKeys', () => {
  it('matches configured keys only, by index', () => {
    const keys = new ApiKeys(['alpha', 'beta']);
    expect(keys.match('beta')).toBe(1);
    expect(keys.match('alpha')).toBe(0);
    for (const wrong of ['alph', 'alphaa', 'ALPHA', '', undefined])
      expect(keys.match(wrong)).toBe(-1);
  });
});

describe('RateLimiter', () => {
  it('allows the burst, refuses beyond it, and refills over time', () => {
    const limiter = new RateLimiter({ recordsPerSecond: 100, burstRecords: 200 });
    expect(limiter.take(0, 200, 0)).toEqual({ allowed: true });
    expect(limiter.take(0, 50, 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take(0, 50, 500)).toEqual({ allowed: true });
  });

  it('lets a request larger than the bucket through when the bucket is full, then makes the caller wait', () => {
    const limiter = new RateLimiter({ recordsPerSecond: 10, burstRecords: 10 });
    expect(limiter.take(0, 50, 0)).toEqual({ allowed: true });
    expect(limiter.take(0, 1, 1000)).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });

  it('allows everything when disabled', () => {
    expect(new RateLimiter({ recordsPerSecond: 0, burstRecords: 0 }).take(0, 1e9, 0)).toEqual({
      allowed: true,
    });
  });
});

describe('headerOf', () => {
  it('finds a header whatever its case, also among multi-value headers', () => {
    expect(headerOf({ headers: { 'X-Api-Key': 'a' }, multiValueHeaders: {} }, 'x-api-key')).toBe(
      'a',
    );
    expect(
      headerOf({ headers: {}, multiValueHeaders: { 'X-API-KEY': ['b', 'c'] } }, 'x-api-key'),
    ).toBe('b');
    expect(headerOf({ headers: {}, multiValueHeaders: {} }, 'x-api-key')).toBeUndefined();
  });
});
