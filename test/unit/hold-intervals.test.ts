import { describe, expect, it } from 'vitest';
import {
  findDoubleHolds,
  holdsIntersect,
  readHoldLog,
  scopesOverlap,
  type HoldInterval,
} from '../support/hold-intervals.js';

// The contention tests are only as good as this checker, so it is tested on its own.
const hold = (who: string, scope: string, start: number, end: number): HoldInterval => ({
  who,
  scope,
  start: BigInt(start),
  end: BigInt(end),
});

describe('scopesOverlap', () => {
  it.each([
    { a: 'area', b: 'area', overlap: true },
    { a: 'area', b: 'area/one', overlap: true },
    { a: 'area/one', b: 'area', overlap: true },
    { a: 'area/one/deep', b: 'area/one', overlap: true },
    { a: 'area/one/deep', b: 'area', overlap: true },
    { a: 'area/one', b: 'area/two', overlap: false },
    { a: 'area/one/deep', b: 'area/two', overlap: false },
    { a: 'area/o', b: 'area/one', overlap: false },
    { a: 'area', b: 'areas', overlap: false },
    { a: 'area/one', b: 'area/one-more', overlap: false },
  ])('$a and $b: $overlap', ({ a, b, overlap }) => {
    expect(scopesOverlap(a, b)).toBe(overlap);
    expect(scopesOverlap(b, a)).toBe(overlap);
  });
});

describe('holdsIntersect', () => {
  it.each([
    { a: [10, 20], b: [15, 30], intersect: true, why: 'partly' },
    { a: [10, 20], b: [12, 18], intersect: true, why: 'one inside the other' },
    { a: [10, 20], b: [10, 20], intersect: true, why: 'the same instants' },
    { a: [10, 20], b: [19, 21], intersect: true, why: 'by one nanosecond' },
    { a: [10, 20], b: [20, 30], intersect: false, why: 'back to back' },
    { a: [10, 20], b: [25, 30], intersect: false, why: 'apart' },
  ])('$why: $intersect', ({ a, b, intersect }) => {
    const [x, y] = [hold('a', 's', a[0]!, a[1]!), hold('b', 's', b[0]!, b[1]!)];
    expect(holdsIntersect(x, y)).toBe(intersect);
    expect(holdsIntersect(y, x)).toBe(intersect);
  });
});

describe('findDoubleHolds', () => {
  it('reports overlapping scopes held at intersecting times by different holders', () => {
    const a = hold('ours-0', 'area', 10, 20);
    const b = hold('py-1', 'area/one', 15, 30);
    expect(findDoubleHolds([a, b])).toEqual([[a, b]]);
  });

  it('finds a double hold whatever the order, also behind a long earlier hold', () => {
    const long = hold('hog', 'elsewhere', 0, 1000);
    const late = hold('py-1', 'area/one/deep', 500, 600);
    const early = hold('ours-1', 'area', 550, 700);
    expect(findDoubleHolds([late, long, early])).toEqual([[late, early]]);
  });

  it('accepts back-to-back holds, disjoint scopes, segment neighbours and one holder twice', () => {
    expect(
      findDoubleHolds([
        hold('a', 'area', 10, 20),
        hold('b', 'area', 20, 30),
        hold('c', 'area/one', 31, 40),
        hold('d', 'area/two', 31, 40),
        hold('e', 'area/o', 32, 39),
        hold('c', 'area/one/deep', 35, 38),
      ]),
    ).toEqual([]);
  });
});

describe('readHoldLog', () => {
  const line = (entry: object) => JSON.stringify(entry);

  it('pairs starts with ends, keeps refusals, and leaves a hold without an end open', () => {
    const log = readHoldLog([
      line({ who: 'a', scope: 'area', start: '10' }),
      line({ who: 'b', scope: 'area/one', refused: true }),
      line({ who: 'a', scope: 'area', end: '20' }),
      line({ who: 'b', scope: 'area/two', start: '30' }),
      '',
    ]);
    expect(log.holds).toEqual([hold('a', 'area', 10, 20)]);
    expect(log.refused).toEqual([{ who: 'b', scope: 'area/one' }]);
    expect(log.open).toEqual([{ who: 'b', scope: 'area/two', start: 30n }]);
  });

  it('fails on a worker error', () => {
    expect(() => readHoldLog([line({ who: 'a', error: 'acquire threw' })])).toThrow(
      'worker a: acquire threw',
    );
  });
});
