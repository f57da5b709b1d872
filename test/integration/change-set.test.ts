import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  realpathSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectChanges, type ChangeSource } from '../../src/git/change-set.js';
import {
  findRepository,
  openRepository,
  readIgnoreCase,
  worktreeRoots,
} from '../../src/git/repository.js';
import { EnvironmentError } from '../../src/errors.js';
import { git, isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

function write(root: string, file: string, content = `${file}\n`) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

async function changes(cwd: string, source: ChangeSource, env: NodeJS.ProcessEnv = isolatedEnv()) {
  const repository = await openRepository(cwd, env);
  return collectChanges(source, repository, cwd, env);
}

const sorted = (paths: string[]) => [...paths].sort();

describe('staged change set', () => {
  it('lists both sides of a rename, deletions, type changes, symlinks and submodule entries', async () => {
    const root = makeTempRepo();
    for (const file of ['old/name.ts', 'gone.ts', 'kind.ts', 'keep.ts']) write(root, file);
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'base');
    mkdirSync(path.join(root, 'new'));
    git(root, 'mv', 'old/name.ts', 'new/name.ts');
    git(root, 'rm', '-q', 'gone.ts');
    unlinkSync(path.join(root, 'kind.ts'));
    symlinkSync('keep.ts', path.join(root, 'kind.ts'));
    symlinkSync('keep.ts', path.join(root, 'link.ts'));
    git(root, 'add', '-A');
    const head = git(root, 'rev-parse', 'HEAD').trim();
    git(root, 'update-index', '--add', '--cacheinfo', `160000,${head},vendor/sub`);
    expect(sorted((await changes(root, { kind: 'staged' })).paths)).toEqual([
      'gone.ts',
      'kind.ts',
      'link.ts',
      'new/name.ts',
      'old/name.ts',
      'vendor/sub',
    ]);
  });

  it('works on the very first commit, from a subdirectory, with diff.relative and quotePath set', async () => {
    const root = makeTempRepo();
    const odd = ['sp ace/a b.ts', 'new\nline.ts', 'quo"te\'s.ts', 'tab\there.ts', 'ünï/日本.md'];
    odd.forEach((file) => write(root, file));
    git(root, 'add', '.');
    git(root, 'config', 'core.quotePath', 'true');
    git(root, 'config', 'diff.relative', 'true');
    const fromSub = path.join(root, 'sp ace');
    expect(sorted((await changes(fromSub, { kind: 'staged' })).paths)).toEqual(sorted(odd));
  });

  it('honours GIT_INDEX_FILE, as git commit -a and git commit <path> set it', async () => {
    const root = makeTempRepo();
    write(root, 'a.ts');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'base');
    write(root, 'a.ts', 'changed\n');
    expect((await changes(root, { kind: 'staged' })).paths).toEqual([]);
    const temporaryIndex = path.join(root, '.git', 'scratch-index');
    const env = isolatedEnv({ GIT_INDEX_FILE: temporaryIndex });
    // Stage into the alternative index only, as `git commit -a` does.
    execFileSync('git', ['read-tree', 'HEAD'], { cwd: root, env });
    execFileSync('git', ['add', 'a.ts'], { cwd: root, env });
    expect((await changes(root, { kind: 'staged' }, env)).paths).toEqual(['a.ts']);
  });
});

describe('working-tree change set', () => {
  it('is staged + unstaged + untracked, without ignored files', async () => {
    const root = makeTempRepo();
    write(root, 'tracked.ts');
    write(root, '.gitignore', 'ignored/\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'base');
    write(root, 'tracked.ts', 'changed\n');
    write(root, 'staged.ts');
    git(root, 'add', 'staged.ts');
    write(root, 'untracked/deep/new.ts');
    write(root, 'ignored/secret.ts');
    expect(sorted((await changes(root, { kind: 'worktree' })).paths)).toEqual([
      'staged.ts',
      'tracked.ts',
      'untracked/deep/new.ts',
    ]);
  });
});

describe('explicit paths', () => {
  it('maps paths relative to the working directory and reports the ones outside', async () => {
    const root = makeTempRepo();
    mkdirSync(path.join(root, 'sub'));
    const outside = realpathSync(tmpdir());
    const result = await changes(path.join(root, 'sub'), {
      kind: 'paths',
      paths: ['a.ts', '../b.ts', path.join(root, 'c', 'd.ts'), outside, '.'],
      origin: 'arguments',
    });
    expect(result.paths).toEqual(['sub/a.ts', 'b.ts', 'c/d.ts', 'sub']);
    expect(result.outside).toEqual([outside]);
  });
});

describe('range change set', () => {
  function branchedRepo() {
    const root = makeTempRepo();
    write(root, 'shared.ts');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'feature');
    write(root, 'feature-only.ts');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'feature');
    git(root, 'checkout', '-q', 'main');
    write(root, 'main-only.ts');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'main moves on');
    return root;
  }

  it('diffs from the merge base (three dots), not from the tip of the base', async () => {
    const root = branchedRepo();
    const result = await changes(root, { kind: 'range', base: 'main', head: 'feature' });
    expect(result.paths).toEqual(['feature-only.ts']);
    expect(result.range?.mergeBase).toBe(git(root, 'merge-base', 'main', 'feature').trim());
  });

  it('refuses refs that do not exist or look like options, and creates nothing', async () => {
    const root = branchedRepo();
    const trap = path.join(makeTempDir(), 'x');
    for (const base of ['nope', `--output=${trap}`, '-x', 'main..feature']) {
      await expect(changes(root, { kind: 'range', base, head: 'HEAD' })).rejects.toBeInstanceOf(
        EnvironmentError,
      );
    }
    expect(existsSync(trap)).toBe(false);
  });
});

describe('repository layout', () => {
  it('finds the main worktree and every linked worktree, and reads core.ignorecase', async () => {
    const root = makeTempRepo();
    write(root, 'a.ts');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'base');
    const linked = path.join(makeTempDir(), 'linked');
    git(root, 'worktree', 'add', '-q', linked);
    const fromLinked = await openRepository(linked, isolatedEnv());
    expect(fromLinked.topLevel).toBe(linked);
    expect(fromLinked.mainRoot).toBe(root);
    expect(worktreeRoots(fromLinked).sort()).toEqual([root, linked].sort());
    expect(await readIgnoreCase(root, isolatedEnv())).toBe(false);
    git(root, 'config', 'core.ignorecase', 'true');
    expect(await readIgnoreCase(linked, isolatedEnv())).toBe(true);
  });

  it('reads the same layout from .git at a top level as git reports from a subdirectory', async () => {
    const root = makeTempRepo();
    write(root, 'sub/a.ts');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'base');
    const linked = path.join(makeTempDir(), 'linked');
    git(root, 'worktree', 'add', '-q', linked);
    for (const top of [root, linked]) {
      // At the top level the layout comes from .git; from a subdirectory, from git rev-parse.
      const fromFiles = await findRepository(top, isolatedEnv());
      const fromGit = await findRepository(path.join(top, 'sub'), isolatedEnv());
      expect(fromFiles).toEqual(fromGit);
      expect(fromFiles).toMatchObject({ topLevel: top, mainRoot: root, shallow: false });
    }
  });

  it('says plainly when there is no repository', async () => {
    const dir = makeTempDir();
    await expect(
      openRepository(dir, isolatedEnv({ GIT_CEILING_DIRECTORIES: path.dirname(dir) })),
    ).rejects.toMatchObject({
      code: 'not-a-repo',
      exitCode: 3,
    });
  });
});
