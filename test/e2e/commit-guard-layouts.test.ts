import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { commit, commitSubjects, holdLock, initGuard, writeFiles } from '../support/commit-repo.js';
import { track } from '../support/processes.js';
import { pythonAvailable, seedDir } from '../support/python-peer.js';
import { git, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

/** Stage `file` with new content in `worktree` and try to commit it through the real hook. */
async function commitChange(worktree: string, file: string, message: string) {
  writeFiles(worktree, { [file]: `${message}\n` });
  git(worktree, 'add', file);
  return commit(worktree, message);
}

/** A repository with one commit holding src/a.ts and docs/d.md, git-ignoring .loops/. */
function seedRepository(root: string): void {
  writeFiles(root, { '.gitignore': '.loops/\n', 'src/a.ts': 'a\n', 'docs/d.md': 'd\n' });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'baseline');
}

describe('worktree layouts without one shared lock directory', () => {
  it('a bare repository with two worktrees: each sees the locks taken in the other', async () => {
    const seed = makeTempRepo();
    seedRepository(seed);
    const parent = makeTempDir();
    const bare = path.join(parent, 'repo.git');
    git(parent, 'clone', '-q', '--bare', seed, bare);
    const one = path.join(parent, 'one');
    const two = path.join(parent, 'two');
    git(bare, 'worktree', 'add', '-q', one, 'main');
    git(bare, 'worktree', 'add', '-q', '-b', 'other', two, 'main');
    await initGuard(one);

    const holder = await holdLock(one, 'refactor', ['src']);
    expect(existsSync(path.join(one, '.loops', '.running', 'refactor.lock'))).toBe(true);
    const blocked = await commitChange(two, 'src/a.ts', 'from two');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(blocked.output).toMatch(/ +src\/a\.ts\n/);

    // acquire sees it too: the same files under the other worktree's path
    const refused = await runCli(
      ['locks', 'acquire', '--name', 'mine', '--scope', 'src/a.ts', '--pid', String(process.pid)],
      {
        cwd: two,
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('held by loop "refactor"');

    // and the other way round
    const docs = await holdLock(two, 'docs-loop', ['docs']);
    const blockedInOne = await commitChange(one, 'docs/d.md', 'from one');
    expect(blockedInOne.code).toBe(1);
    expect(blockedInOne.output).toContain(`loop "docs-loop" (pid ${docs}`);
    expect(commitSubjects(one)).toEqual(['baseline']);

    git(two, 'reset', '-q');
    const free = await commitChange(two, 'README.md', 'free');
    expect(free.code, free.output).toBe(0);
  });

  it('a separate git dir with a linked worktree: init remembers the main worktree', async () => {
    const parent = makeTempDir();
    const main = path.join(parent, 'work');
    git(parent, 'init', '-q', '-b', 'main', '--separate-git-dir', path.join(parent, 'gd'), main);
    seedRepository(main);
    const linked = path.join(parent, 'linked');
    git(main, 'worktree', 'add', '-q', '-b', 'feature', linked);

    // before init ran in the main worktree, the linked one cannot find it, and says so
    const holder = await holdLock(main, 'refactor', ['src']);
    const unknown = await runCli(['check', 'src/a.ts'], { cwd: linked });
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toContain('the main worktree of');
    expect(unknown.stderr).toContain('run `scopeguard init` there once');

    const init = await initGuard(main);
    expect(init).toContain(`recorded ${main} as the main worktree`);
    const blocked = await commitChange(linked, 'src/a.ts', 'from linked');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(blocked.output).not.toContain('the main worktree of');

    const docs = await holdLock(linked, 'docs-loop', ['docs']);
    const blockedInMain = await commitChange(main, 'docs/d.md', 'from main');
    expect(blockedInMain.code).toBe(1);
    expect(blockedInMain.output).toContain(`loop "docs-loop" (pid ${docs}`);
    expect(commitSubjects(main)).toEqual(['baseline']);
  });

  it("a lock on a submodule's folder in the superproject blocks commits inside the submodule", async () => {
    const library = makeTempRepo();
    writeFiles(library, { 'lib.c': 'c\n' });
    git(library, 'add', '-A');
    git(library, 'commit', '-qm', 'library');
    const outer = makeTempRepo();
    seedRepository(outer);
    git(outer, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library, 'vendor/lib');
    git(outer, 'commit', '-qm', 'add the submodule');
    const inner = path.join(outer, 'vendor', 'lib');
    await initGuard(inner);
    git(inner, 'add', '.gitignore');

    const holder = await holdLock(outer, 'vendoring', ['vendor']);
    const blocked = await commitChange(inner, 'lib.c', 'inside the submodule');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "vendoring" (pid ${holder}`);
    expect(blocked.output).toMatch(/ +lib\.c\n/);

    // a lock on something else in the superproject does not
    git(inner, 'reset', '-q', '--hard');
    await runCli(['locks', 'release', '--name', 'vendoring', '--force'], { cwd: outer });
    await holdLock(outer, 'refactor', ['src', 'vendor/lib/other']);
    const allowed = await commitChange(inner, 'lib.c', 'allowed');
    expect(allowed.code, allowed.output).toBe(0);
  });
});

describe.skipIf(!pythonAvailable)('the Python original in a linked worktree', () => {
  it('writes into its own checkout, and the guard in the main worktree still sees it', async () => {
    const root = makeTempRepo();
    seedRepository(root);
    await initGuard(root);
    const linked = path.join(makeTempDir(), 'linked');
    git(root, 'worktree', 'add', '-q', '-b', 'feature', linked);
    const child = track(
      spawn(
        'python3',
        [
          '-c',
          'import time\nfrom pathlib import Path\nfrom concurrency import LockManager\n' +
            'ok = LockManager().acquire("py-loop", ["src"])\n' +
            'print("acquired" if ok else "conflict", flush=True)\ntime.sleep(300)',
        ],
        {
          cwd: linked,
          env: { ...process.env, PYTHONPATH: seedDir },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    );
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    expect(line).toBe('acquired');
    expect(existsSync(path.join(linked, '.loops', '.running', 'py-loop.lock'))).toBe(true);

    const blocked = await commitChange(root, 'src/a.ts', 'from main');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "py-loop" (pid ${child.pid}`);
    expect(blocked.output).toMatch(/ +src\/a\.ts\n/);
    expect(commitSubjects(root)).toEqual(['baseline']);
  });
});
