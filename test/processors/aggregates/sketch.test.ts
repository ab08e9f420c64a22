import { describe, expect, it } from 'vitest';
import {
  deserializeSketch,
  mergeSketch,
  newSketch,
  serializeSketch,
} from '../../../processors/aggregates/sketch.ts';

describe('mergeSketch', () => {
  it('keeps negative values when merging into a non-empty sketch (sketches-js merge drops them)', () => {
    // arrange
    const into = newSketch(0.01);
    into.accept(-10);
    const from = newSketch(0.01);
    from.accept(-20);
    from.accept(-30);
    // act
    mergeSketch(into, deserializeSketch(serializeSketch(from), 0.01));
    // assert
    expect(into.count).toBe(3);
    expect(into.getValueAtQuantile(0.5)).toBeCloseTo(-20, -0.5);
    expect(Math.abs(into.getValueAtQuantile(0.5) + 20)).toBeLessThanOrEqual(0.2);
  });
});
