import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import {
  commit,
  commitEnv,
  guardedRepo,
  initGuard,
  runGit,
  writeFiles,
} from '../support/commit-repo.js';
import { startIdleProcess } from '../support/processes.js';
import { git, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

/** The Scope-Lock trailer values of a commit, as git itself parses them. */
function scopeLockTrailers(cwd: string, ref = 'HEAD'): string[] {
  return git(cwd, 'log', '-1', '--format=%(trailers:key=Scope-Lock,valueonly)', ref)
    .split('\n')
    .filter(Boolean);
}

/**
 * Run a shell script under `scopeguard run --name loop --scope src`, as a loop would: every git
 * command in it runs the installed hooks as a descendant of the lock holder. The script first
 * copies the lock record out of the repository, so the test can name the lock.
 */
async function underLock(root: string, script: string) {
  const copy = path.join(makeTempDir('scopeguard-held-'), 'held.json');
  const result = await runCli(
    [
      'run',
      '--name',
      'loop',
      '--scope',
      'src',
      '--',
      'sh',
      '-c',
      `cp "$SCOPEGUARD_LOCK_FILE" '${copy}' && ${script}`,
    ],
    { cwd: root, env: commitEnv() },
  );
  expect(result.code, result.stderr).toBe(0);
  const held = JSON.parse(readFileSync(copy, 'utf8')) as {
    instance: string;
    started_at: string;
    host: string;
  };
  return { result, trailer: `${held.instance}@${held.host}#${held.started_at}` };
}

// Scenarios of several commits, each running both hooks: slow on a loaded machine.
describe('the Scope-Lock trailer of the commit-msg hook', { timeout: 120_000 }, () => {
  it('names the lock a commit under `scopeguard run` is made under, once, and amend keeps it once', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    expect(scopeLockTrailers(root)).toEqual([]);

    const { trailer } = await underLock(
      root,
      'echo b >> src/a.ts && git commit -qam "loop step" && git commit -q --amend --no-edit && ' +
        'git commit -q --amend -m "$(git log -1 --format=%B)"',
    );
    expect(trailer).toMatch(new RegExp(`^loop-\\S+@${hostname()}#\\d{4}-\\d\\d-\\d\\dT`));
    expect(scopeLockTrailers(root)).toEqual([trailer]);
    expect(git(root, 'log', '-1', '--format=%B')).toBe(`loop step\n\nScope-Lock: ${trailer}\n\n`);

    // the lock is gone: an amend outside it neither adds nor drops a trailer
    const amended = await runGit(root, ['commit', '--amend', '--no-edit']);
    expect(amended.code, amended.output).toBe(0);
    expect(scopeLockTrailers(root)).toEqual([trailer]);
  });

  it('adds nothing to a commit made with no lock of its own, even while another loop holds one', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'other',
        '--scope',
        'src',
        '--pid',
        String(startIdleProcess().pid),
      ],
      {
        cwd: root,
      },
    );
    writeFiles(root, { 'README.md': 'changed\n' });
    git(root, 'add', 'README.md');
    const outside = await commit(root, 'outside the scope');
    expect(outside.code, outside.output).toBe(0);
    expect(git(root, 'log', '-1', '--format=%B')).toBe('outside the scope\n\n');
  });

  it('rebase keeps exactly one trailer per lock, inside the lock and outside it', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    git(root, 'checkout', '-q', '-b', 'feature');
    const { trailer } = await underLock(
      root,
      'echo 1 >> src/a.ts && git commit -qam one && echo 2 >> src/a.ts && git commit -qam two',
    );
    git(root, 'checkout', '-q', 'main');
    writeFiles(root, { 'README.md': 'main moved\n' });
    git(root, 'commit', '-qam', 'main moves');
    git(root, 'checkout', '-q', 'feature');

    // a rebase by the loop itself, then one by a process outside the lock
    await underLock(root, 'git rebase -q main');
    expect(scopeLockTrailers(root, 'HEAD')).toEqual([trailer]);
    expect(scopeLockTrailers(root, 'HEAD~1')).toEqual([trailer]);
    const again = await runGit(root, ['rebase', '-q', '--force-rebase', 'main']);
    expect(again.code, again.output).toBe(0);
    expect(scopeLockTrailers(root, 'HEAD')).toEqual([trailer]);
    expect(scopeLockTrailers(root, 'HEAD~1')).toEqual([trailer]);
    expect(git(root, 'log', '--format=%s', 'main..HEAD')).toBe('two\none\n');
  });

  it('names the lock `--as` names, and leaves an emptied message to abort the commit', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const held = await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'agent',
        '--instance',
        'agent-1',
        '--scope',
        'src',
        '--pid',
        String(startIdleProcess().pid),
      ],
      { cwd: root },
    );
    expect(held.code, held.stderr).toBe(0);
    const record = JSON.parse(
      readFileSync(path.join(root, '.loops', '.running', 'agent-1.lock'), 'utf8'),
    ) as { host: string; started_at: string };
    writeFiles(root, { 'src/a.ts': 'by the agent\n' });
    git(root, 'add', 'src/a.ts');

    // the editor leaves only git's comments: git aborts, as it would without scopeguard
    const aborted = await runGit(root, ['commit'], {
      SCOPEGUARD_AS: 'agent-1',
      GIT_EDITOR: 'true',
    });
    expect(aborted.code).toBe(1);
    expect(aborted.output).toContain('Aborting commit due to empty commit message');

    const named = await commit(root, 'by the agent', [], { SCOPEGUARD_AS: 'agent-1' });
    expect(named.code, named.output).toBe(0);
    expect(scopeLockTrailers(root)).toEqual([`agent-1@${record.host}#${record.started_at}`]);
  });
});

describe('init, doctor and uninstall with the commit-msg hook', () => {
  it('chains an existing commit-msg hook, which still runs after ours, and uninstall puts it back', async () => {
    const root = makeTempRepo();
    const hook = path.join(root, '.git', 'hooks', 'commit-msg');
    const own = '#!/bin/sh\necho "project commit-msg ran on $1" >&2\n';
    writeFileSync(hook, own, { mode: 0o755 });

    const installed = await initGuard(root);
    expect(installed).toContain(
      `installed ${hook}; the hook that was there now runs after it, from ${hook}.pre-scopeguard`,
    );
    expect(readFileSync(hook, 'utf8')).toContain('scopeguard commit-msg hook');
    const doctor = await runCli(['doctor'], { cwd: root });
    expect(doctor.stdout).toContain(`ok   commit-msg hook: ${hook} runs scopeguard`);

    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', '-A');
    const first = await commit(root, 'baseline');
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('project commit-msg ran on .git/COMMIT_EDITMSG');

    const removed = await runCli(['uninstall'], { cwd: root });
    expect(removed.stdout).toContain(
      `removed scopeguard's ${hook}; the hook it ran after it is back in its place`,
    );
    expect(readFileSync(hook, 'utf8')).toBe(own);
    expect(existsSync(`${hook}.pre-scopeguard`)).toBe(false);
    const after = await runCli(['doctor'], { cwd: root });
    expect(after.code).toBe(1);
    expect(after.stdout).toContain(`FAIL commit-msg hook: ${hook} does not run scopeguard`);
  });
});
