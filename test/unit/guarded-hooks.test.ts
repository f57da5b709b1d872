import { describe, expect, it } from 'vitest';
import { guardedHooks, scriptRunsGuard } from '../../src/git/hook-managers/guarded-hooks.js';

const [preCommit, commitMsg] = guardedHooks as [
  (typeof guardedHooks)[number],
  (typeof guardedHooks)[number],
];

describe('scriptRunsGuard: does a hook script run the guard', () => {
  it.each([
    ['scopeguard pre-commit\n', true],
    ['npx --no scopeguard pre-commit', true],
    ['PATH=node_modules/.bin:$PATH scopeguard pre-commit || exit 1', true],
    ['"node_modules/.bin/scopeguard.js" pre-commit', true],
    ['scopeguard pre-commit # the guard\n', true],
    ['#!/bin/sh\nlint-staged\nscopeguard pre-commit\n', true],
    ['# scopeguard pre-commit\n', false],
    ['echo skip # scopeguard pre-commit\n', false],
    ['scopeguard pre-commit-extra\n', false],
    ['myscopeguard pre-commit\n', false],
    ['scopeguard commit-msg "$1"\n', false],
  ])('pre-commit in %j: %s', (script, runs) => {
    expect(scriptRunsGuard(script, preCommit)).toBe(runs);
  });

  it.each([
    ['scopeguard commit-msg "$1"\n', true],
    ['scopeguard commit-msg\n', true],
    ['scopeguard pre-commit\n', false],
    ['  # scopeguard commit-msg "$1"\n', false],
  ])('commit-msg in %j: %s', (script, runs) => {
    expect(scriptRunsGuard(script, commitMsg)).toBe(runs);
  });
});
