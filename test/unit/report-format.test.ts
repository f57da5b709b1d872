import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/report/duration.js';
import { displayScopeEntry } from '../../src/report/lock-summary.js';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

describe('formatDuration', () => {
  it.each([
    { ms: 0, text: '0s' },
    { ms: 999, text: '0s' },
    { ms: -5 * second, text: '0s' },
    { ms: 45 * second, text: '45s' },
    { ms: minute - 1, text: '59s' },
    { ms: minute, text: '1m' },
    { ms: 12 * minute + 59 * second, text: '12m' },
    { ms: hour - 1, text: '59m' },
    { ms: hour, text: '1h00m' },
    { ms: 3 * hour + 5 * minute, text: '3h05m' },
    { ms: 10 * hour + 30 * minute, text: '10h30m' },
    { ms: day - 1, text: '23h59m' },
    { ms: day, text: '1d00h' },
    { ms: 2 * day + 4 * hour + 59 * minute, text: '2d04h' },
    { ms: 400 * day + 23 * hour, text: '400d23h' },
  ])('$ms ms is $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('displayScopeEntry', () => {
  it.each([
    { entry: '/r/src/a', root: '/r', shown: 'src/a', why: 'inside the root: relative' },
    { entry: '/r/src', root: '/r/', shown: 'src', why: 'root given with a trailing slash' },
    { entry: '/r', root: '/r', shown: '.', why: 'the root itself' },
    { entry: '/r/..cache', root: '/r', shown: '..cache', why: 'inside, name starts with ..' },
    { entry: '/r/...', root: '/r', shown: '...', why: 'inside, name is three dots' },
    { entry: '/elsewhere/x', root: '/r', shown: '/elsewhere/x', why: 'outside: absolute' },
    { entry: '/', root: '/r', shown: '/', why: 'an ancestor of the root: absolute' },
    { entry: '/r-other/x', root: '/r', shown: '/r-other/x', why: 'sibling sharing a prefix' },
    { entry: '/r-other', root: '/r', shown: '/r-other', why: 'sibling sharing a prefix' },
  ])('$entry under $root -> $shown ($why)', ({ entry, root, shown }) => {
    expect(displayScopeEntry(entry, root)).toBe(shown);
  });
});
