import { describe, expect, it } from 'vitest';
import { withRenames } from '../../src/guard/renamed-conflicts.js';
import { liveLock } from '../support/guard-fixtures.js';

const lock = liveLock('refactor');
const other = liveLock('docs', { scope: ['/repo/lib'] });

describe('conflicts of renamed files', () => {
  it.each([
    ['the old side', 'src/a.ts'],
    ['the new side', 'lib/a.ts'],
  ])('names both paths when %s conflicts', (_side, file) => {
    const conflicts = [{ file, lock, matchedScope: '/repo/src' }];
    expect(withRenames(conflicts, [{ from: 'src/a.ts', to: 'lib/a.ts' }])).toEqual([
      { file: 'lib/a.ts', renamedFrom: 'src/a.ts', lock, matchedScope: '/repo/src' },
    ]);
  });

  it('reports a rename once per lock and scope entry, whichever sides conflict', () => {
    const conflicts = [
      { file: 'src/a.ts', lock, matchedScope: '/repo' },
      { file: 'src/b/a.ts', lock, matchedScope: '/repo' },
      { file: 'src/b/a.ts', lock: other, matchedScope: '/repo/lib' },
    ];
    expect(withRenames(conflicts, [{ from: 'src/a.ts', to: 'src/b/a.ts' }])).toEqual([
      { file: 'src/b/a.ts', renamedFrom: 'src/a.ts', lock, matchedScope: '/repo' },
      { file: 'src/b/a.ts', renamedFrom: 'src/a.ts', lock: other, matchedScope: '/repo/lib' },
    ]);
  });

  it('leaves other conflicts as they are', () => {
    const conflicts = [{ file: 'src/c.ts', lock, matchedScope: '/repo/src' }];
    expect(withRenames(conflicts, [{ from: 'src/a.ts', to: 'lib/a.ts' }])).toEqual(conflicts);
  });
});
