import { describe, expect, it } from 'vitest';
import { randomHex } from '../../src/random-hex.js';

describe('randomHex', () => {
  it('gives the asked number of bytes as lower-case hex', () => {
    for (const byteCount of [1, 4, 8, 16])
      expect(randomHex(byteCount)).toMatch(new RegExp(`^[0-9a-f]{${2 * byteCount}}$`));
  });

  it('never repeats itself: 10,000 draws of 8 bytes are all different', () => {
    const draws = new Set(Array.from({ length: 10_000 }, () => randomHex(8)));
    expect(draws.size).toBe(10_000);
  });

  it('uses every hex digit: the bytes are not a counter or a constant pattern', () => {
    const digits = new Set(Array.from({ length: 100 }, () => randomHex(8)).join(''));
    expect(digits.size).toBe(16);
  });
});
