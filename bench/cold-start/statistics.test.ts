import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './statistics.ts';

describe('summarize', () => {
  it('gives min, median, p90 and max', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ min: 1, median: 3, p90: 4.6, max: 5 });
  });

  it('takes the mean of the middle pair as the median of an even count', () => {
    expect(summarize([10, 40, 20, 30]).median).toBe(25);
  });

  it('handles a single sample', () => {
    expect(summarize([7])).toEqual({ min: 7, median: 7, p90: 7, max: 7 });
  });

  it('refuses to summarise nothing', () => {
    expect(() => percentile([], 0.5)).toThrow(RangeError);
  });
});
