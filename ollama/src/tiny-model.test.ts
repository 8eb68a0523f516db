import { describe, expect, it } from 'vitest';
import { tinyModelGguf } from './tiny-model.ts';

describe('the tiny model file', () => {
  it('comes out the same for a seed, and with other weights for another seed', () => {
    const standard = tinyModelGguf();
    expect(tinyModelGguf().equals(standard)).toBe(true);
    const other = tinyModelGguf(7);
    expect(other.length).toBe(standard.length);
    expect(other.equals(standard)).toBe(false);
    expect(tinyModelGguf(7).equals(other)).toBe(true);
  });
});
