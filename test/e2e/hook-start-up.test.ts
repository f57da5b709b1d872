import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath } from '../support/cli.js';
import { guardedRepo, holdLock, writeFiles } from '../support/commit-repo.js';
import { git, isolatedEnv, makeTempDir } from '../support/temp-dir.js';

// The hook runs on every commit, so what it loads is part of its cost: a commit that starts no
// process must not load child_process, nor crypto or the standard streams it does not use. A probe
// loaded before the CLI writes the built-in modules the process loaded when it exits.
const probe = `
import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.PROBE_OUT, process.moduleLoadList.join('\\n')));
`;
const unwanted = ['child_process', 'crypto', 'net', 'readline', 'fs/promises'];
// Nor, for the plain arguments the installed hooks pass, node's argument parser, nor the
// `node:module` builtin (which loads the ES module loader); without a lock, nor `os` (the host
// name judges a lock's holder).
const alsoUnwanted = ['internal/util/parse_args/parse_args', 'module'];
const unwantedWithoutLocks = [...unwanted, ...alsoUnwanted, 'os'];

function loadedBy(cwd: string, input: string, args: string[]): string[] {
  const dir = makeTempDir();
  const probeFile = path.join(dir, 'probe.mjs');
  const out = path.join(dir, 'loaded.txt');
  writeFileSync(probeFile, probe);
  const result = spawnSync(process.execPath, ['--import', probeFile, binPath, ...args], {
    cwd,
    env: isolatedEnv({ PROBE_OUT: out }),
    input,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((entry) => entry.startsWith('NativeModule '))
    .map((entry) => entry.slice('NativeModule '.length));
}

describe('the pre-commit hook at start-up', () => {
  it('loads no child_process, crypto, streams or promise file API when nothing needs them', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    writeFiles(root, { 'README.md': 'changed\n' });
    git(root, 'add', 'README.md');
    const piped = 'README.md\0git-exit:0\n';

    // No lock directory at all, then a foreign lock the staged change stays out of.
    const withoutLocks = loadedBy(root, piped, ['pre-commit', '--staged-from-stdin']);
    await holdLock(root, 'refactor', ['src']);
    const withLocks = loadedBy(root, piped, ['pre-commit', '--staged-from-stdin']);
    expect(withoutLocks.filter((name) => unwantedWithoutLocks.includes(name))).toEqual([]);
    expect(withLocks.filter((name) => [...unwanted, ...alsoUnwanted].includes(name))).toEqual([]);
  });
});

describe('the commit-msg hook at start-up', () => {
  it('loads none of them on a commit made with no lock of its own', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const message = path.join(makeTempDir(), 'COMMIT_EDITMSG');
    writeFileSync(message, 'a change\n');
    const withoutLocks = loadedBy(root, '', ['commit-msg', message]);
    await holdLock(root, 'refactor', ['src']);
    const withLocks = loadedBy(root, '', ['commit-msg', message]);
    expect(withoutLocks.filter((name) => unwantedWithoutLocks.includes(name))).toEqual([]);
    expect(withLocks.filter((name) => [...unwanted, ...alsoUnwanted].includes(name))).toEqual([]);
    expect(readFileSync(message, 'utf8')).toBe('a change\n');
  });
});
