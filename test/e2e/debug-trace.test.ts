import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { commit, guardedRepo, holdLock, writeFiles } from '../support/commit-repo.js';
import { git } from '../support/temp-dir.js';

const debugLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line.startsWith('scopeguard:debug '));

describe('SCOPEGUARD_DEBUG=1', () => {
  it('traces every git command and store call on stderr, with how it ended', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'changed\n' });
    git(root, 'add', '-A');

    const traced = await runCli(['check', '--staged'], {
      cwd: root,
      env: { SCOPEGUARD_DEBUG: '1' },
    });
    expect(traced.code).toBe(1);
    const lines = debugLines(traced.stderr);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^scopeguard:debug \+\d+ms git diff --cached .*-> exit 0 \(\d+\.\d ms\)$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        / store directory\.snapshot\(\) -> \{ locks: 1, problems: 0, reaped: 0 \}/,
      ),
    );
    // The report itself is unchanged, and stdout carries no trace.
    expect(traced.stdout).toContain('src/a.ts');
    expect(traced.stdout).not.toContain('scopeguard:debug');

    const failing = await runCli(['check', '--base', 'no-such-ref'], {
      cwd: root,
      env: { SCOPEGUARD_DEBUG: 'yes' },
    });
    expect(failing.code).toBe(3);
    expect(debugLines(failing.stderr)).toContainEqual(
      expect.stringMatching(
        / git rev-parse --verify --quiet --end-of-options no-such-ref\^\{commit\} .*-> exit 1 /,
      ),
    );

    const quiet = await runCli(['check', '--staged'], {
      cwd: root,
      env: { SCOPEGUARD_DEBUG: '0' },
    });
    expect(quiet.code).toBe(1);
    expect(debugLines(quiet.stderr)).toEqual([]);
  });

  it('traces the installed hook too, whose trace git shows with the commit', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'free.txt': 'f\n' });
    git(root, 'add', '-A');
    const committed = await commit(root, 'free', [], { SCOPEGUARD_DEBUG: '1' });
    expect(committed.code).toBe(0);
    // The hook knows the staged paths before it reads the locks: the lock on src, which cannot
    // concern free.txt, is read and left out, and the trace counts it.
    expect(debugLines(committed.stderr)).toContainEqual(
      expect.stringMatching(
        / store directory\.snapshot\(\{"keep":"fn"\}\) -> \{ locks: 0, problems: 0, reaped: 0, leftOut: 1 \}/,
      ),
    );
  });
});
