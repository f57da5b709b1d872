import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardedRepo, holdLock, writeFiles } from '../support/commit-repo.js';
import { loadedBy } from '../support/loaded-modules.js';
import { git, makeTempDir } from '../support/temp-dir.js';

// The hook runs on every commit, so what it loads is part of its cost: a commit that starts no
// process must not load child_process, nor crypto or the standard streams it does not use.
const unwanted = ['child_process', 'crypto', 'net', 'readline', 'fs/promises'];
// Nor, for the plain arguments the installed hooks pass, node's argument parser, nor the
// `node:module` builtin (which loads the ES module loader); without a lock, nor `os` (the host
// name judges a lock's holder).
const alsoUnwanted = ['internal/util/parse_args/parse_args', 'module'];
const unwantedWithoutLocks = [...unwanted, ...alsoUnwanted, 'os'];

function builtinsLoadedBy(cwd: string, input: string, args: string[]): string[] {
  return loadedBy(cwd, args, input).builtins;
}

describe('the pre-commit hook at start-up', () => {
  it('loads no child_process, crypto, streams or promise file API when nothing needs them', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    writeFiles(root, { 'README.md': 'changed\n' });
    git(root, 'add', 'README.md');
    const piped = 'README.md\0git-exit:0\n';

    // No lock directory at all, then a foreign lock the staged change stays out of.
    const withoutLocks = builtinsLoadedBy(root, piped, ['pre-commit', '--staged-from-stdin']);
    await holdLock(root, 'refactor', ['src']);
    const withLocks = builtinsLoadedBy(root, piped, ['pre-commit', '--staged-from-stdin']);
    expect(withoutLocks.filter((name) => unwantedWithoutLocks.includes(name))).toEqual([]);
    expect(withLocks.filter((name) => [...unwanted, ...alsoUnwanted].includes(name))).toEqual([]);
  });
});

describe('the commit-msg hook at start-up', () => {
  it('loads none of them on a commit made with no lock of its own', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const message = path.join(makeTempDir(), 'COMMIT_EDITMSG');
    writeFileSync(message, 'a change\n');
    const withoutLocks = builtinsLoadedBy(root, '', ['commit-msg', message]);
    await holdLock(root, 'refactor', ['src']);
    const withLocks = builtinsLoadedBy(root, '', ['commit-msg', message]);
    expect(withoutLocks.filter((name) => unwantedWithoutLocks.includes(name))).toEqual([]);
    expect(withLocks.filter((name) => [...unwanted, ...alsoUnwanted].includes(name))).toEqual([]);
    expect(readFileSync(message, 'utf8')).toBe('a change\n');
  });
});
