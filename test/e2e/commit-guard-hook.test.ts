import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli } from '../support/cli.js';
import {
  commit,
  commitEnv,
  commitSubjects,
  filesOfHead,
  guardedRepo,
  holdLock,
  initGuard,
  runGit,
  writeFiles,
} from '../support/commit-repo.js';
import { killHard, startIdleProcess, track } from '../support/processes.js';
import { pythonAvailable, seedDir } from '../support/python-peer.js';
import { git, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

const huskyBin = path.join(repoRoot, 'node_modules', 'husky', 'bin.js');

describe('the plain-git hook installed by `scopeguard init`', () => {
  it('blocks a commit into a scope a live foreign process holds, naming loop, pid and file', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    const holder = await holdLock(root, 'refactor', ['src']);

    writeFiles(root, { 'src/a.ts': 'changed\n' });
    git(root, 'add', 'src/a.ts');
    const blocked = await commit(root, 'touch src');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain('scopeguard: 1 staged file inside scopes held by other loops');
    expect(blocked.output).toMatch(new RegExp(`loop "refactor" \\(pid ${holder}\\b`));
    expect(blocked.output).toMatch(/scope src\n +src\/a\.ts\n/);
    expect(blocked.output).toContain('SCOPEGUARD_SKIP=1 git commit');
    expect(commitSubjects(root)).toEqual(['baseline']);

    // the same commit goes through with the documented one-off bypasses
    const skipped = await commit(root, 'skip once', [], { SCOPEGUARD_SKIP: '1' });
    expect(skipped.code, skipped.output).toBe(0);
    expect(skipped.output).toContain('pre-commit check skipped (SCOPEGUARD_SKIP=1)');
    expect(commitSubjects(root)).toEqual(['skip once', 'baseline']);
  });

  it('lets a commit outside every scope through without a word', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'README.md': 'changed\n', 'srcx/b.ts': 'b\n' });
    git(root, 'add', '-A');
    const passed = await commit(root, 'outside');
    expect(passed.code, passed.output).toBe(0);
    expect(passed.output).not.toContain('scopeguard');
    expect(commitSubjects(root)).toEqual(['outside', 'baseline']);
    expect(filesOfHead(root).sort()).toEqual(['README.md', 'srcx/b.ts']);
  });

  it('checks the staged list the hook pipes in, and fails closed when git failed or it ended early', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    await holdLock(root, 'refactor', ['src']);
    const hook = (input: string) =>
      runCli(['pre-commit', '--staged-from-stdin'], { cwd: root, input });

    // Nothing is staged: the verdict comes from the piped list alone.
    const inside = await hook('README.md\0src/a.ts\0git-exit:0\n');
    expect(inside.code, inside.stderr).toBe(1);
    expect(inside.stdout + inside.stderr).toMatch(/scope src\n +src\/a\.ts\n/);
    const outside = await hook('README.md\0git-exit:0\n');
    expect(outside.code, outside.stderr).toBe(0);
    // The lock, on another folder than the piped paths, is left out as read; the files were still
    // checked against it, and the report says so.
    const report = await runCli(['pre-commit', '--staged-from-stdin', '--format', 'json'], {
      cwd: root,
      input: 'README.md\0git-exit:0\n',
    });
    expect(JSON.parse(report.stdout)).toMatchObject({ ok: true, filesChecked: 1, conflicts: [] });

    const gitFailed = await hook('src/a.ts\0git-exit:128\n');
    expect(gitFailed.code).toBe(3);
    expect(gitFailed.stderr).toContain('git diff failed: exit 128');
    for (const truncated of ['README.md\0', 'README.md\0git-exit:', '']) {
      const ended = await hook(truncated);
      expect(ended.code, JSON.stringify(truncated)).toBe(3);
      expect(ended.stderr).toContain('the staged file list piped in ended early');
    }
  });

  it('keeps an existing pre-commit hook and runs it after ours', async () => {
    const root = makeTempRepo();
    const logDir = makeTempDir();
    const log = path.join(logDir, 'legacy.log');
    const hooksDir = path.join(root, '.git', 'hooks');
    mkdirSync(hooksDir, { recursive: true });
    // The legacy hook records that it ran, and refuses any commit whose staged files mention FAIL.
    writeFileSync(
      path.join(hooksDir, 'pre-commit'),
      `#!/bin/sh\necho ran >> '${log}'\nif git diff --cached | grep -q FAIL; then echo "legacy hook says no" >&2; exit 7; fi\n`,
      { mode: 0o755 },
    );
    const installed = await initGuard(root);
    expect(installed).toContain('the hook that was there now runs after it');
    expect(readFileSync(path.join(hooksDir, 'pre-commit.pre-scopeguard'), 'utf8')).toContain(
      'legacy hook says no',
    );

    // A change the legacy hook refuses, which it has now refused `runs` times in all.
    const expectLegacyRefusal = async (runs: number) => {
      writeFiles(root, { 'README.md': 'FAIL\n' });
      git(root, 'add', 'README.md');
      const refused = await commit(root, 'refused by legacy');
      expect(refused.code).toBe(1);
      expect(refused.output).toContain('legacy hook says no');
      expect(readFileSync(log, 'utf8')).toBe('ran\n'.repeat(runs));
    };

    // No loop holds a lock yet: ours has nothing to check, and the legacy hook still runs after it.
    await expectLegacyRefusal(1);
    rmSync(log);

    const holder = await holdLock(root, 'refactor', ['src']);

    // ours passes: the legacy hook still runs
    writeFiles(root, { 'README.md': 'r\n' });
    git(root, 'add', 'README.md', '.gitignore');
    const passed = await commit(root, 'first');
    expect(passed.code, passed.output).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('ran\n');

    // ours passes but the legacy hook refuses: blocked by it
    await expectLegacyRefusal(2);
    git(root, 'reset', '-q', '--hard');

    // ours blocks: the commit is blocked and the legacy hook never runs
    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', 'src/a.ts');
    const blocked = await commit(root, 'into scope');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(readFileSync(log, 'utf8')).toBe('ran\nran\n');
    expect(commitSubjects(root)).toEqual(['first']);

    // running init again changes nothing
    const again = await initGuard(root);
    expect(again).toContain('is already installed');
    expect(
      readdirSync(hooksDir)
        .filter((name) => name.startsWith('pre-commit') && !name.endsWith('.sample'))
        .sort(),
    ).toEqual(['pre-commit', 'pre-commit.pre-scopeguard']);
  });

  it('uninstall puts the chained hook back, leaves commits unguarded, and is idempotent', async () => {
    const root = makeTempRepo();
    const hooksDir = path.join(root, '.git', 'hooks');
    mkdirSync(hooksDir, { recursive: true });
    const legacy = '#!/bin/sh\necho "legacy hook ran" >&2\n';
    writeFileSync(path.join(hooksDir, 'pre-commit'), legacy, { mode: 0o755 });
    await initGuard(root);
    await holdLock(root, 'refactor', ['src']);

    const removed = await runCli(['uninstall'], { cwd: root });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe(
      `scopeguard: removed scopeguard's ${path.join(hooksDir, 'pre-commit')}; the hook it ran after it is back in its place\n` +
        `scopeguard: removed ${path.join(hooksDir, 'commit-msg')}\n`,
    );
    expect(readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8')).toBe(legacy);
    expect(existsSync(path.join(hooksDir, 'pre-commit.pre-scopeguard'))).toBe(false);

    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', 'src/a.ts');
    const unguarded = await runGit(root, ['commit', '-m', 'into scope']);
    expect(unguarded.code, unguarded.output).toBe(0);
    expect(unguarded.guardRuns).toBe(0);
    expect(unguarded.output).toContain('legacy hook ran');

    const again = await runCli(['uninstall'], { cwd: root });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      'scopeguard: nothing to remove: no hook in this worktree runs scopeguard\n',
    );
    expect(readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8')).toBe(legacy);
  });

  it('refuses a commit when scopeguard is gone, saying how to reinstall or remove the hook', async () => {
    const root = makeTempRepo();
    const hooksDir = path.join(root, '.git', 'hooks');
    mkdirSync(hooksDir, { recursive: true });
    writeFileSync(path.join(hooksDir, 'pre-commit'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await initGuard(root);
    // As after the clone that `npm install -g .` linked has moved: the path init wrote is gone.
    const hook = path.join(hooksDir, 'pre-commit');
    writeFileSync(
      hook,
      readFileSync(hook, 'utf8').replaceAll(binPath, path.join(makeTempDir(), 'moved.js')),
    );
    writeFiles(root, { 'a.txt': 'a\n' });
    git(root, 'add', 'a.txt');
    const env = { PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
    const refused = await runGit(root, ['commit', '-m', 'no guard'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('scopeguard: cannot find scopeguard');
    expect(refused.stderr).toContain("Reinstall it and run 'scopeguard init' again");
    expect(refused.stderr).toContain(`mv '${hook}.pre-scopeguard' '${hook}'`);
    expect(refused.stderr).toContain('git commit --no-verify');
    expect(commitSubjects(root)).toEqual([]);
  });

  it('git-ignores the records of a lock folder whose name starts with two dots', async () => {
    const root = makeTempRepo();
    const init = await runCli(['init', '--loops-dir', path.join(root, '..loops')], { cwd: root });
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).toBe('/..loops/.running/\n');
  });

  it('uninstall removes a hook it installed alone, and leaves a hook that is not its own', async () => {
    const root = makeTempRepo();
    await initGuard(root);
    const hook = path.join(root, '.git', 'hooks', 'pre-commit');
    const removed = await runCli(['uninstall'], { cwd: root });
    expect(removed.stdout).toBe(
      `scopeguard: removed ${hook}\nscopeguard: removed ${path.join(root, '.git', 'hooks', 'commit-msg')}\n`,
    );
    expect(existsSync(hook)).toBe(false);

    writeFileSync(hook, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const foreign = await runCli(['uninstall'], { cwd: root });
    expect(foreign.stdout).toContain('nothing to remove');
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  it('guards the very first commit (no HEAD yet) and commits made from a subdirectory', async () => {
    const root = makeTempRepo();
    await initGuard(root);
    const holder = await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/deep/a.ts': 'a\n', 'docs/b.md': 'b\n' });
    git(root, 'add', '-A');
    const first = await commit(root, 'first');
    expect(first.code).toBe(1);
    expect(first.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(first.output).toContain('src/deep/a.ts');
    expect(first.output).not.toContain('docs/b.md');
    expect(commitSubjects(root)).toEqual([]);

    git(root, 'reset', '-q');
    git(root, 'add', 'docs/b.md', '.gitignore');
    const allowed = await commit(root, 'first');
    expect(allowed.code, allowed.output).toBe(0);
    expect(commitSubjects(root)).toEqual(['first']);

    const subdir = path.join(root, 'src', 'deep');
    git(subdir, 'add', 'a.ts');
    const fromSubdir = await commit(subdir, 'from subdir');
    expect(fromSubdir.code).toBe(1);
    expect(fromSubdir.output).toMatch(/scope src\n +src\/deep\/a\.ts\n/);
    expect(commitSubjects(root)).toEqual(['first']);

    writeFiles(root, { 'docs/b.md': 'changed\n' });
    const docsDir = path.join(root, 'docs');
    git(root, 'reset', '-q');
    git(docsDir, 'add', 'b.md');
    const outsideFromSubdir = await commit(docsDir, 'docs from subdir');
    expect(outsideFromSubdir.code, outsideFromSubdir.output).toBe(0);
    expect(commitSubjects(root)).toEqual(['docs from subdir', 'first']);
  });

  it('past a few hundred records gives node the scan flags, blocks the same, and runs without flags node refuses', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    const holder = await holdLock(root, 'refactor', ['src']);
    // Each hook's node writes the V8 flags it was started with (commit-msg runs on a passed commit).
    const dir = makeTempDir();
    const flagsFile = (hook: string) => path.join(dir, `${hook}-exec-argv.json`);
    const probe = path.join(dir, 'probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(dir)} + '/' + process.argv[2] + '-exec-argv.json', JSON.stringify(process.execArgv)));`,
    );
    const flagsOf = (hook: string) =>
      existsSync(flagsFile(hook))
        ? (JSON.parse(readFileSync(flagsFile(hook), 'utf8')) as string[])
        : undefined;
    const commitWithFlags = async (message: string) => {
      for (const hook of ['pre-commit', 'commit-msg']) rmSync(flagsFile(hook), { force: true });
      const outcome = await commit(root, message, [], { NODE_OPTIONS: `--require=${probe}` });
      return { ...outcome, flags: flagsOf('pre-commit'), messageFlags: flagsOf('commit-msg') };
    };
    const { scanFlags } = createRequire(import.meta.url)(binPath) as { scanFlags: string[] };
    const attempts = async () => {
      writeFiles(root, { 'src/a.ts': `${Math.random()}\n` });
      git(root, 'add', 'src/a.ts');
      const blocked = await commitWithFlags('into scope');
      git(root, 'reset', '-q', '--hard');
      writeFiles(root, { 'README.md': `${Math.random()}\n` });
      git(root, 'add', 'README.md');
      return { blocked, passed: await commitWithFlags('outside') };
    };

    const few = await attempts();
    expect(few.blocked.code, few.blocked.output).toBe(1);
    expect(few.blocked.flags).toEqual([]);
    expect(few.passed.code, few.passed.output).toBe(0);
    expect(few.passed.flags).toEqual([]);
    expect(few.passed.messageFlags).toEqual([]);

    // 300 more live locks of the same holder, on folders the commits stay out of.
    const running = path.join(root, '.loops', '.running');
    const record = readFileSync(path.join(running, 'refactor.lock'), 'utf8');
    const scope = JSON.stringify([path.join(root, 'src')]);
    for (let n = 1; n <= 300; n++) {
      const copy = record
        .replace(scope, JSON.stringify([path.join(root, `other/${n}`)]))
        .replaceAll('"refactor"', `"copy${n}"`);
      writeFileSync(path.join(running, `copy${n}.lock`), copy);
    }
    const many = await attempts();
    expect(many.blocked.code, many.blocked.output).toBe(1);
    expect(many.blocked.output).toMatch(new RegExp(`loop "refactor" \\(pid ${holder}\\b`));
    expect(many.blocked.output).toMatch(/scope src\n +src\/a\.ts\n/);
    expect(many.blocked.flags).toEqual(scanFlags);
    expect(many.passed.code, many.passed.output).toBe(0);
    expect(many.passed.flags).toEqual(scanFlags);
    expect(many.passed.messageFlags).toEqual(scanFlags);

    // A node that does not know the flags refuses to start (exit 9): the hooks run without them.
    for (const name of ['pre-commit', 'commit-msg']) {
      const hook = path.join(root, '.git', 'hooks', name);
      const script = readFileSync(hook, 'utf8');
      expect(script).toContain(scanFlags.join(' '));
      writeFileSync(hook, script.replace(scanFlags.join(' '), '--no-such-v8-flag'));
    }
    const unknown = await attempts();
    expect(unknown.blocked.code, unknown.blocked.output).toBe(1);
    expect(unknown.blocked.output).toMatch(/scope src\n +src\/a\.ts\n/);
    expect(unknown.blocked.flags).toEqual([]);
    expect(unknown.passed.code, unknown.passed.output).toBe(0);
    expect(unknown.passed.flags).toEqual([]);
    expect(unknown.passed.messageFlags).toEqual([]);
    expect(commitSubjects(root)).toEqual(['outside', 'outside', 'outside', 'baseline']);
  });

  it("lets the holder's own child commit inside its scope, and blocks everybody else", async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'docs/d.md': 'd\n' });
    const env = { PATH: commitEnv().PATH };

    // the wrapper holds `src` while git commit runs as its child: its own lock, no conflict
    writeFiles(root, { 'src/a.ts': 'mine\n' });
    git(root, 'add', 'src/a.ts');
    const own = await runCli(
      ['run', '--name', 'mine', '--scope', 'src', '--', 'git', 'commit', '-qm', 'own scope'],
      {
        cwd: root,
        env,
      },
    );
    expect(own.code, own.stdout + own.stderr).toBe(0);
    expect(commitSubjects(root)).toEqual(['own scope', 'baseline']);

    // inside the same wrapper, a scope held by someone else still blocks
    const other = await holdLock(root, 'docs-loop', ['docs']);
    writeFiles(root, { 'docs/d.md': 'mine too\n' });
    git(root, 'add', 'docs/d.md');
    const foreignInside = await runCli(
      ['run', '--name', 'mine', '--scope', 'src', '--', 'git', 'commit', '-qm', 'docs'],
      { cwd: root, env },
    );
    expect(foreignInside.code).toBe(1);
    expect(foreignInside.stdout + foreignInside.stderr).toContain(`loop "docs-loop" (pid ${other}`);
    expect(commitSubjects(root)).toEqual(['own scope', 'baseline']);
    git(root, 'reset', '-q', '--hard');

    // a different live process holds `src`: a normal commit there is blocked...
    const holder = await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'someone else\n' });
    git(root, 'add', 'src/a.ts');
    const blocked = await commit(root, 'not mine');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
    // ...and the wrapper cannot take the scope, so its command never runs
    const busy = await runCli(
      ['run', '--name', 'mine', '--scope', 'src', '--', 'git', 'commit', '-qm', 'not mine'],
      { cwd: root, env },
    );
    expect(busy.code).toBe(75);
    expect(commitSubjects(root)).toEqual(['own scope', 'baseline']);

    // naming the loop explicitly makes its locks count as one's own
    const asRefactor = await commit(root, 'as refactor', [], { SCOPEGUARD_AS: 'refactor' });
    expect(asRefactor.code, asRefactor.output).toBe(0);
    expect(commitSubjects(root)).toEqual(['as refactor', 'own scope', 'baseline']);
  });

  it('the lock `run` exports counts as own, and no other lock of the same loop name', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'docs/d.md': 'd\n' });
    await holdLock(root, 'refactor', ['src']);
    const other = await holdLock(root, 'refactor', ['docs'], undefined, 'refactor-2');
    const runningDir = path.join(root, '.loops', '.running');
    // what `scopeguard run` exports to its command, seen by a commit outside its process tree
    const asRun = (file: string) => ({
      SCOPEGUARD_LOCK_INSTANCE: 'refactor',
      SCOPEGUARD_LOCK_NAME: 'refactor',
      SCOPEGUARD_LOCK_FILE: file,
    });

    writeFiles(root, { 'src/a.ts': 'mine\n' });
    git(root, 'add', 'src/a.ts');
    const own = await commit(root, 'own lock', [], asRun(path.join(runningDir, 'refactor.lock')));
    expect(own.code, own.output).toBe(0);

    writeFiles(root, { 'docs/d.md': 'not mine\n' });
    git(root, 'add', 'docs/d.md');
    const sameName = await commit(
      root,
      'same loop name',
      [],
      asRun(path.join(runningDir, 'refactor.lock')),
    );
    expect(sameName.code).toBe(1);
    expect(sameName.output).toContain(`loop "refactor" (instance refactor-2, pid ${other}`);
    git(root, 'reset', '-q', '--hard');

    // an instance of that name in another lock directory is another lock
    writeFiles(root, { 'src/a.ts': 'elsewhere\n' });
    git(root, 'add', 'src/a.ts');
    const otherDir = await commit(
      root,
      'other directory',
      [],
      asRun(path.join(makeTempDir(), 'refactor.lock')),
    );
    expect(otherDir.code).toBe(1);
    expect(commitSubjects(root)).toEqual(['own lock', 'baseline']);
  });

  it("reaps a dead holder's record during the commit and lets the commit through", async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const holder = startIdleProcess();
    await holdLock(root, 'crashed', ['src'], holder.pid);
    await killHard(holder);
    writeFiles(root, { 'src/a.ts': 'after the crash\n' });
    git(root, 'add', 'src/a.ts');
    const result = await commit(root, 'after crash');
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(
      `reaped 1 stale lock: crashed (process ${holder.pid} has exited)`,
    );
    expect(commitSubjects(root)).toEqual(['after crash', 'baseline']);
    expect(existsSync(path.join(root, '.loops', '.running', 'crashed.lock'))).toBe(false);
  });

  it('warn mode (env or .scopeguardrc.json) reports the conflict and lets the commit through', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const holder = await holdLock(root, 'refactor', ['src']);
    const warning =
      'scopeguard: warning: 1 staged file inside scopes held by other loops (mode warn, not blocking)';

    writeFiles(root, { 'src/a.ts': 'one\n' });
    git(root, 'add', 'src/a.ts');
    const byEnv = await commit(root, 'warn by env', [], { SCOPEGUARD_MODE: 'warn' });
    expect(byEnv.code, byEnv.output).toBe(0);
    expect(byEnv.output).toContain(warning);
    expect(byEnv.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(byEnv.output).toContain('src/a.ts');
    expect(commitSubjects(root)).toEqual(['warn by env', 'baseline']);

    writeFiles(root, { '.scopeguardrc.json': '{"mode":"warn"}\n', 'src/a.ts': 'two\n' });
    git(root, 'add', 'src/a.ts');
    const byFile = await commit(root, 'warn by file');
    expect(byFile.code, byFile.output).toBe(0);
    expect(byFile.output).toContain(warning);
    expect(commitSubjects(root)).toEqual(['warn by file', 'warn by env', 'baseline']);

    // the environment wins over the file
    writeFiles(root, { 'src/a.ts': 'three\n' });
    git(root, 'add', 'src/a.ts');
    const envBlocks = await commit(root, 'blocked', [], { SCOPEGUARD_MODE: 'block' });
    expect(envBlocks.code).toBe(1);
    expect(commitSubjects(root)).toEqual(['warn by file', 'warn by env', 'baseline']);
  });

  it('a lock taken in the main worktree blocks a commit made in a linked worktree', async () => {
    const root = await guardedRepo({ 'src/x.ts': 'x\n', 'docs/d.md': 'd\n' });
    const linked = path.join(makeTempDir(), 'linked');
    git(root, 'worktree', 'add', '-q', '-b', 'feature', linked);
    const holder = await holdLock(root, 'refactor', ['src']);

    writeFiles(linked, { 'src/x.ts': 'from the linked worktree\n' });
    git(linked, 'add', 'src/x.ts');
    const blocked = await commit(linked, 'linked');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(blocked.output).toMatch(/scope src\n +src\/x\.ts\n/);
    expect(commitSubjects(linked)).toEqual(['baseline']);

    git(linked, 'reset', '-q', '--hard');
    writeFiles(linked, { 'docs/d.md': 'fine\n' });
    git(linked, 'add', 'docs/d.md');
    const allowed = await commit(linked, 'docs in linked');
    expect(allowed.code, allowed.output).toBe(0);
    expect(commitSubjects(linked)).toEqual(['docs in linked', 'baseline']);

    // and the other way round: a lock taken from the linked worktree guards the main one
    const docsHolder = await holdLock(linked, 'docs-loop', ['docs']);
    writeFiles(root, { 'docs/d.md': 'from main\n' });
    git(root, 'add', 'docs/d.md');
    const blockedInMain = await commit(root, 'main docs');
    expect(blockedInMain.code).toBe(1);
    expect(blockedInMain.output).toContain(`loop "docs-loop" (pid ${docsHolder}`);
    expect(blockedInMain.output).toContain('docs/d.md');
    expect(commitSubjects(root)).toEqual(['baseline']);
  });
});

describe('scopeguard doctor', () => {
  it('fails before init, passes after it, and sees the shared hook from a linked worktree', async () => {
    const root = makeTempRepo();
    const before = await runCli(['doctor'], { cwd: root });
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /FAIL pre-commit hook: no pre-commit hook in .*run `scopeguard init`/,
    );

    await initGuard(root);
    const after = await runCli(['doctor'], { cwd: root });
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain(
      `ok   pre-commit hook: ${path.join(root, '.git', 'hooks', 'pre-commit')} runs scopeguard`,
    );

    writeFiles(root, { 'a.txt': 'a\n' });
    git(root, 'add', '-A');
    expect((await commit(root, 'baseline')).code).toBe(0);
    const linked = path.join(makeTempDir(), 'linked');
    git(root, 'worktree', 'add', '-q', '-b', 'feature', linked);
    const inLinked = await runCli(['doctor'], { cwd: linked });
    expect(inLinked.code, inLinked.stdout).toBe(0);
    expect(inLinked.stdout).toContain(`ok   repository: ${linked} (linked worktree of ${root})`);
    expect(inLinked.stdout).toContain('ok   pre-commit hook:');
  });

  it('says when another version of scopeguard wrote the hook, whatever node the hook names', async () => {
    const root = makeTempRepo();
    await initGuard(root);
    const hook = path.join(root, '.git', 'hooks', 'pre-commit');
    const current = readFileSync(hook, 'utf8');
    const outdatedNote = 'another version or install of it wrote the script';

    writeFileSync(hook, current.replace(/^node=.*$/m, "node='/opt/other/node'"));
    const otherNode = await runCli(['doctor'], { cwd: root });
    expect(otherNode.code, otherNode.stdout).toBe(0);
    expect(otherNode.stdout).toContain(`ok   pre-commit hook: ${hook} runs scopeguard\n`);

    // A script from before the scan flags: it still runs the guard, so doctor passes.
    writeFileSync(hook, current.replace(/^ {2}if many_records .*\n/m, ''));
    const earlier = await runCli(['doctor'], { cwd: root });
    expect(earlier.code, earlier.stdout).toBe(0);
    expect(earlier.stdout).toContain(
      `ok   pre-commit hook: ${hook} runs scopeguard, but ${outdatedNote}`,
    );
    expect(earlier.stdout).toContain('run `scopeguard init` to update it');
    expect(earlier.stdout).not.toMatch(/commit-msg hook: .*another version/);

    expect(await initGuard(root)).toContain(`updated ${hook}`);
    expect(readFileSync(hook, 'utf8')).toBe(current);
    const updated = await runCli(['doctor'], { cwd: root });
    expect(updated.stdout).not.toContain(outdatedNote);
  });
});

describe('husky 9', () => {
  /** A repository set up the way husky 9 sets one up, with scopeguard resolvable from node_modules/.bin. */
  function huskyRepo(): string {
    const root = makeTempRepo();
    writeFiles(root, {
      'package.json': '{\n  "name": "husky-project",\n  "private": true\n}\n',
      '.gitignore': 'node_modules/\n',
    });
    const init = spawnHusky(root, ['init']);
    expect(init.status, init.stderr).toBe(0);
    expect(git(root, 'config', 'core.hooksPath').trim()).toBe('.husky/_');
    // `husky init` writes `npm test` there; a project's own line instead, which must keep running
    writeFileSync(path.join(root, '.husky', 'pre-commit'), 'echo "project hook ran" >&2\n');
    mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(binPath, path.join(root, 'node_modules', '.bin', 'scopeguard'));
    return root;
  }

  it('init adds `scopeguard pre-commit` to .husky/pre-commit once, and husky runs it on commit', async () => {
    const root = huskyRepo();
    const first = await initGuard(root);
    expect(first).toContain(
      `added \`scopeguard pre-commit\` to ${path.join(root, '.husky', 'pre-commit')}`,
    );
    const second = await initGuard(root);
    expect(second).toContain('already runs scopeguard');
    expect(readFileSync(path.join(root, '.husky', 'pre-commit'), 'utf8')).toBe(
      'echo "project hook ran" >&2\nscopeguard pre-commit\n',
    );
    expect(existsSync(path.join(root, '.git', 'hooks', 'pre-commit'))).toBe(false);
    const doctor = await runCli(['doctor'], { cwd: root });
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toContain('husky runs `scopeguard pre-commit`');

    git(root, 'add', '-A');
    const baseline = await commit(root, 'baseline');
    expect(baseline.code, baseline.output).toBe(0);
    expect(baseline.output).toContain('project hook ran');

    const holder = await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', 'src/a.ts');
    const blocked = await commit(root, 'into scope');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(blocked.output).toMatch(/scope src\n +src\/a\.ts\n/);
    expect(blocked.output).toContain('husky - pre-commit script failed (code 1)');
    expect(commitSubjects(root)).toEqual(['baseline']);

    git(root, 'reset', '-q');
    writeFiles(root, { 'lib/b.ts': 'b\n' });
    git(root, 'add', 'lib/b.ts');
    const allowed = await commit(root, 'outside');
    expect(allowed.code, allowed.output).toBe(0);
    expect(commitSubjects(root)).toEqual(['outside', 'baseline']);
  });

  it('init adds `scopeguard commit-msg "$1"` to .husky/commit-msg, and husky adds the trailer under a lock', async () => {
    const root = huskyRepo();
    const huskyHook = path.join(root, '.husky', 'commit-msg');
    expect(await initGuard(root)).toContain(`created ${huskyHook} running scopeguard`);
    expect(readFileSync(huskyHook, 'utf8')).toBe('scopeguard commit-msg "$1"\n');
    const doctor = await runCli(['doctor'], { cwd: root });
    expect(doctor.stdout).toContain(
      `ok   commit-msg hook: husky runs \`scopeguard commit-msg "$1"\` from ${huskyHook}`,
    );
    git(root, 'add', '-A');
    expect((await commit(root, 'baseline')).code).toBe(0);
    expect(git(root, 'log', '-1', '--format=%B')).toBe('baseline\n\n');

    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', 'src/a.ts');
    const held = await runCli(
      ['run', '--name', 'loop', '--scope', 'src', '--', 'git', 'commit', '-qm', 'under lock'],
      { cwd: root, env: commitEnv() },
    );
    expect(held.code, held.stderr).toBe(0);
    expect(git(root, 'log', '-1', '--format=%(trailers:key=Scope-Lock,valueonly)')).toMatch(
      /^loop-\S+@\S+#\d{4}-\d\d-\d\dT\S+\n\n$/,
    );
  });

  it('doctor fails when `git clean -xfd` has removed the husky runner, and passes once `husky` restores it', async () => {
    const root = huskyRepo();
    await initGuard(root);
    git(root, 'add', '-A');
    expect((await commit(root, 'baseline')).code).toBe(0);

    git(root, 'clean', '-xfdq');
    expect(existsSync(path.join(root, '.husky', '_'))).toBe(false);
    const runner = path.join(root, '.husky', '_', 'pre-commit');
    const broken = await runCli(['doctor'], { cwd: root });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      `FAIL pre-commit hook: husky is configured but its runner ${runner} is missing`,
    );
    expect(broken.stdout).toContain('run `npx husky` or `npm install`');
    // what doctor warns about: git runs no hook, so a commit into a held scope goes through
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', 'src/a.ts');
    const unguarded = await runGit(root, ['commit', '-m', 'into scope']);
    expect(unguarded.code, unguarded.output).toBe(0);
    expect(unguarded.guardRuns).toBe(0);

    expect(spawnHusky(root, []).status).toBe(0);
    const repaired = await runCli(['doctor'], { cwd: root });
    expect(repaired.stdout).toContain('ok   pre-commit hook: husky runs `scopeguard pre-commit`');
  });

  it('uninstall takes only its own line out of .husky/pre-commit', async () => {
    const root = huskyRepo();
    await initGuard(root);
    const huskyHook = path.join(root, '.husky', 'pre-commit');
    const removed = await runCli(['uninstall'], { cwd: root });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe(
      `scopeguard: removed the scopeguard line from ${huskyHook}\n` +
        `scopeguard: removed ${path.join(root, '.husky', 'commit-msg')}\n`,
    );
    expect(readFileSync(huskyHook, 'utf8')).toBe('echo "project hook ran" >&2\n');

    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', '-A');
    const unguarded = await runGit(root, ['commit', '-m', 'into scope']);
    expect(unguarded.code, unguarded.output).toBe(0);
    expect(unguarded.guardRuns).toBe(0);
    expect(unguarded.output).toContain('project hook ran');

    const again = await runCli(['uninstall'], { cwd: root });
    expect(again.stdout).toContain('nothing to remove');
    expect(readFileSync(huskyHook, 'utf8')).toBe('echo "project hook ran" >&2\n');
  });

  it('uninstall removes a .husky/pre-commit that init created for its line alone', async () => {
    const root = huskyRepo();
    const huskyHook = path.join(root, '.husky', 'pre-commit');
    rmSync(huskyHook);
    expect(await initGuard(root)).toContain(`created ${huskyHook} running scopeguard`);
    const removed = await runCli(['uninstall'], { cwd: root });
    expect(removed.stdout).toBe(
      `scopeguard: removed ${huskyHook}\nscopeguard: removed ${path.join(root, '.husky', 'commit-msg')}\n`,
    );
    expect(existsSync(huskyHook)).toBe(false);
  });
});

/** Run husky 9's own CLI (from our devDependencies) in a repository. */
function spawnHusky(root: string, args: string[]) {
  return spawnSync(process.execPath, [huskyBin, ...args], {
    cwd: root,
    env: commitEnv(),
    encoding: 'utf8',
  });
}

describe.skipIf(!pythonAvailable)('the Python original as the holder', () => {
  it('blocks a commit into the scope a live Python LockManager holds, and names it', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const child = track(
      spawn(
        'python3',
        [
          '-c',
          'import sys, time\nfrom pathlib import Path\nfrom concurrency import LockManager\n' +
            'ok = LockManager(Path(sys.argv[1])).acquire("py-loop", ["src"])\n' +
            'print("acquired" if ok else "conflict", flush=True)\ntime.sleep(300)',
          path.join(root, '.loops'),
        ],
        {
          cwd: root,
          env: { ...process.env, PYTHONPATH: seedDir },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    );
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    expect(line).toBe('acquired');

    writeFiles(root, { 'src/a.ts': 'changed\n', 'other.txt': 'o\n' });
    git(root, 'add', 'src/a.ts');
    const blocked = await commit(root, 'into python scope');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "py-loop" (pid ${child.pid}`);
    expect(blocked.output).toMatch(/scope src\n +src\/a\.ts\n/);
    expect(commitSubjects(root)).toEqual(['baseline']);

    git(root, 'reset', '-q');
    git(root, 'add', 'other.txt');
    const allowed = await commit(root, 'outside');
    expect(allowed.code, allowed.output).toBe(0);

    // once Python's holder is gone, its record is reaped by the next commit
    await killHard(child);
    git(root, 'add', 'src/a.ts');
    const afterDeath = await commit(root, 'after python');
    expect(afterDeath.code, afterDeath.output).toBe(0);
    expect(afterDeath.output).toContain(
      `reaped 1 stale lock: py-loop (process ${child.pid} has exited)`,
    );
    expect(commitSubjects(root)).toEqual(['after python', 'outside', 'baseline']);
  });
});
