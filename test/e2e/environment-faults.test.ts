import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { noCiEnv } from '../support/ci-repo.js';
import { binPath, runCli, type CliResult } from '../support/cli.js';
import { commitEnv } from '../support/commit-repo.js';
import { git, isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

/** What an environment fault must never look like: a crash report. */
function expectNoCrash(result: CliResult, label: string) {
  expect(result.stderr, label).not.toContain('internal error');
  expect(result.stderr, label).not.toMatch(/\n\s+at /);
}

/**
 * Run the bin with its stdout on a given descriptor, or on a pipe whose reading end is closed
 * before the bin can write: every write then fails with EPIPE, as under `| head -1`.
 */
function runWithStdout(
  args: string[],
  cwd: string,
  stdout: number | 'closed-pipe',
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd,
      env: isolatedEnv(),
      stdio: ['ignore', stdout === 'closed-pipe' ? 'pipe' : stdout, 'pipe'],
    });
    if (stdout === 'closed-pipe') child.stdout!.destroy();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('environment faults are errors with exit 3 (or quiet), never crashes', () => {
  it('no git on PATH: exit 3 saying so, from the top level and from a subdirectory', async () => {
    const root = makeTempRepo();
    mkdirSync(path.join(root, 'sub'));
    const env = { PATH: makeTempDir('scopeguard-empty-path-') };
    const needGit: string[][] = [['check'], ['ci', '--base', 'HEAD'], ['doctor']];
    // Below the top level only git can tell where the project root is.
    const cases: [string, string[][]][] = [
      [root, needGit],
      [path.join(root, 'sub'), [...needGit, ['locks', 'list']]],
    ];
    for (const [cwd, commands] of cases) {
      for (const args of commands) {
        const label = `${args.join(' ')} in ${cwd}`;
        const result = await runCli(args, { cwd, env });
        expect(result.code, label).toBe(3);
        expect(result.stderr, label).toContain('cannot run git: it is not on PATH');
        expect(result.stderr, label).not.toContain('not inside a git repository');
        expectNoCrash(result, label);
      }
    }
    // At the top level the layout is read from .git, so listing needs no git.
    const listed = await runCli(['locks', 'list'], { cwd: root, env });
    expect(listed).toMatchObject({
      code: 0,
      stdout: `No live locks in ${path.join(root, '.loops')}.\n`,
    });
    expect(existsSync(path.join(root, 'sub', '.loops'))).toBe(false);
  });

  it('doctor with TMPDIR missing: exit 3 naming the folder and the fix', async () => {
    const root = makeTempRepo();
    const missing = path.join(makeTempDir(), 'gone');
    const result = await runCli(['doctor'], { cwd: root, env: { TMPDIR: missing } });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      `FAIL flock(2) interop: cannot create a scratch folder in ${missing}`,
    );
    expect(result.stdout).toContain('ENOENT');
    expect(result.stdout).toContain('TMPDIR');
    expectNoCrash(result, 'doctor');
  });

  it('a file or folder a command cannot write is exit 3 naming it', async () => {
    const root = makeTempRepo();
    mkdirSync(path.join(root, '.loops', '.running'), { recursive: true });
    git(root, 'commit', '-q', '--allow-empty', '-m', 'one');
    const missing = path.join(makeTempDir(), 'gone', 'summary.md');
    const result = await runCli(['ci', '--base', 'HEAD', '--format', 'github'], {
      cwd: root,
      env: noCiEnv({ GITHUB_STEP_SUMMARY: missing }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `scopeguard: cannot append to the step summary ${missing} (ENOENT): it does not exist`,
    );
    expectNoCrash(result, 'ci');
  });

  it('a reader that goes away (EPIPE) ends the output quietly with the exit code of the work', async () => {
    const root = makeTempRepo();
    expect((await runCli(['init'], { cwd: root, env: commitEnv() })).code).toBe(0);
    for (const args of [['doctor'], ['locks', 'list'], ['--help']]) {
      const result = await runWithStdout(args, root, 'closed-pipe');
      expect(result, args.join(' ')).toEqual({ code: 0, stderr: '' });
    }
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a full disk under stdout (ENOSPC): exit 3 naming standard output and the fix',
    async () => {
      const root = makeTempRepo();
      for (const args of [['locks', 'list'], ['locks', 'list', '--json'], ['doctor']]) {
        const full = openSync('/dev/full', 'w');
        try {
          const result = await runWithStdout(args, root, full);
          expect(result.code, args.join(' ')).toBe(3);
          expect(result.stderr, args.join(' ')).toBe(
            'scopeguard: cannot write to standard output (ENOSPC): the disk is full: free some space.\n',
          );
        } finally {
          closeSync(full);
        }
      }
    },
  );
});
