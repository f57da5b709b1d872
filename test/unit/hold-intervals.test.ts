import { describe, expect, it } from 'vitest';
import { findDoubleHolds, intervalsFromLog } from '../support/hold-intervals.js';

// The contention tests are only as good as this checker, so it is tested on its own.
describe('double-hold checker', () => {
  const log = (who: string, scope: string, start: number, end?: number) => [
    JSON.stringify({ who, scope, start: String(start) }),
    ...(end === undefined ? [] : [JSON.stringify({ who, scope, end: String(end) })]),
  ];

  it('catches overlapping scopes held at overlapping times by different holders', () => {
    const intervals = intervalsFromLog(
      [...log('a', 'area', 10, 20), ...log('b', 'area/one', 15, 30)],
      () => 0n,
    );
    expect(findDoubleHolds(intervals)).toHaveLength(1);
  });

  it('accepts back-to-back holds, disjoint scopes and segment-boundary neighbours', () => {
    const intervals = intervalsFromLog(
      [
        ...log('a', 'area', 10, 20),
        ...log('b', 'area', 20, 30),
        ...log('c', 'area/one', 31, 40),
        ...log('d', 'area/two', 31, 40),
        ...log('e', 'area/o', 32, 39),
      ],
      () => 0n,
    );
    expect(findDoubleHolds(intervals)).toEqual([]);
  });

  it('closes an interval left open by a killed holder at the time of death', () => {
    const intervals = intervalsFromLog(
      [...log('hog', 'area', 10), ...log('b', 'area/one', 50, 60)],
      () => 55n,
    );
    expect(findDoubleHolds(intervals)).toHaveLength(1);
  });
});
