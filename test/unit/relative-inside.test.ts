import { describe, expect, it } from 'vitest';
import { relativeInside } from '../../src/relative-inside.js';

describe('relativeInside', () => {
  it.each([
    ['/repo/src/a.ts', 'src/a.ts'],
    ['/repo', ''],
    ['/repo/..loops/.running', '..loops/.running'],
    ['/repo/..', undefined],
    ['/repo/../other', undefined],
    ['/repository', undefined],
    ['/elsewhere/x', undefined],
    ['/repo//src/./a/../b.ts', 'src/b.ts'],
    ['/repo/src/', 'src'],
    ['/rep', undefined],
    ['/repo.', undefined],
  ])('%s is %j inside /repo', (absolute, expected) => {
    expect(relativeInside('/repo', absolute)).toBe(expected);
  });
});
