import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/shell-quote.js';
import { binPath, runCli } from '../support/cli.js';
import {
  commit,
  guardedRepo,
  holdLock,
  initGuard,
  lockDirSnapshot,
  writeFiles,
} from '../support/commit-repo.js';
import { git, isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

const conflictFiles = (stdout: string): string[] =>
  (JSON.parse(stdout) as { conflicts: { file: string }[] }).conflicts.map((c) => c.file).sort();

/** Run `fn` and assert it left every lock record exactly as it was (runCli checks the index). */
async function leavesRecordsUntouched<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const records = lockDirSnapshot(root);
  const result = await fn();
  expect(lockDirSnapshot(root)).toEqual(records);
  return result;
}

describe('scopeguard check: bad input', () => {
  it('warns about an unreadable record without blocking, and blocks on it with --strict', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const holder = await holdLock(root, 'refactor', ['docs']);
    const bad = path.join(root, '.loops', '.running', 'bad.lock');
    writeFileSync(bad, '{"loop_name":');
    writeFiles(root, { 'src/a.ts': 'changed\n' });
    git(root, 'add', 'src/a.ts');

    const lenient = await leavesRecordsUntouched(root, () =>
      runCli(['check', '--staged'], { cwd: root }),
    );
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toBe('');
    expect(lenient.stderr).toContain(`warning: cannot read lock record ${bad}`);

    const strict = await leavesRecordsUntouched(root, () =>
      runCli(['check', '--staged', '--strict'], { cwd: root }),
    );
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('unreadable lock records (blocking because of --strict)');
    expect(strict.stdout).toContain(bad);

    const json = await leavesRecordsUntouched(root, () =>
      runCli(['check', '--staged', '--format', 'json'], { cwd: root }),
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).warnings).toContainEqual(
      expect.objectContaining({ kind: 'unreadable-record', file: bad }),
    );

    // the real hook says the same and lets the commit through
    const committed = await commit(root, 'with a bad record around');
    expect(committed.code, committed.output).toBe(0);
    expect(committed.output).toContain(`warning: cannot read lock record ${bad}`);
    expect(lockDirSnapshot(root)['bad.lock']).toBe('{"loop_name":');
    expect(lockDirSnapshot(root)['refactor.lock']).toContain(`"pid":${holder}`);
  });

  it('passes when there is no lock directory at all, and says there is nothing to enforce', async () => {
    const root = makeTempRepo();
    await initGuard(root);
    writeFiles(root, { 'src/a.ts': 'a\n' });
    git(root, 'add', 'src/a.ts');
    const note = `no lock directory at ${path.join(root, '.loops', '.running')}: no loop holds a lock here, nothing to enforce`;
    for (const args of [['check'], ['check', 'src/a.ts'], ['check', '--base', 'HEAD']]) {
      if (args.includes('--base')) {
        const first = await commit(root, 'first');
        // the hook stays quiet in a repository without loops
        expect(first.code, first.output).toBe(0);
        expect(first.output).not.toContain('scopeguard');
      }
      const result = await leavesRecordsUntouched(root, () => runCli(args, { cwd: root }));
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toContain(note);
    }
    expect(existsSync(path.join(root, '.loops'))).toBe(false);
  });

  it('exits 3 outside a git repository', async () => {
    const dir = makeTempDir();
    writeFiles(dir, { 'a.txt': 'a\n' });
    const result = await runCli(['check', 'a.txt'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${dir} is not inside a git repository with a working tree: check, pre-commit, ci, init, doctor and uninstall work on one`,
    );
    expect(result.stderr).toContain('the locks and run commands work anywhere');
  });

  it('exits 3 on a ref that does not exist or looks like an option, running nothing', async () => {
    const scratch = makeTempDir();
    const smuggled = path.join(scratch, 'somefile');
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    writeFiles(root, { 'src/a.ts': 'staged\n' });
    git(root, 'add', 'src/a.ts');

    // first with no lock at all (a typo in a CI step must not pass silently), then with one
    for (const withLock of [false, true]) {
      if (withLock) await holdLock(root, 'refactor', ['src']);
      for (const args of [
        ['--base', 'nope'],
        ['--base', 'main', '--head', 'nope'],
        [`--base=--output=${smuggled}`],
        ['--base', 'main', `--head=--output=${smuggled}`],
      ]) {
        for (const format of ['text', 'json']) {
          const label = `${args.join(' ')} --format ${format} (lock: ${withLock})`;
          const result = await leavesRecordsUntouched(root, () =>
            runCli(['check', ...args, '--format', format], { cwd: root }),
          );
          expect(result.code, label).toBe(3);
          expect(result.stdout, label).toBe('');
          expect(result.stderr, label).toMatch(/does not name a commit in this repository/);
          expect(existsSync(smuggled), label).toBe(false);
        }
      }
    }
    // as a separate word, the option-like value is refused by the parser itself (usage, exit 2)
    const separate = await leavesRecordsUntouched(root, () =>
      runCli(['check', '--base', `--output=${smuggled}`], { cwd: root }),
    );
    expect(separate.code).toBe(2);
    expect(separate.stderr).toContain(`--base needs a value, but --output=${smuggled} follows it`);
    expect(existsSync(smuggled)).toBe(false);
  });
});

describe('scopeguard check: read only', () => {
  it('never writes the index, even where `git status` would refresh it', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'docs/d.md': 'd\n' });
    await holdLock(root, 'refactor', ['src']);
    // Same content, another modification time: the index's cached stat data is out of date, so a
    // plain `git status` would rewrite it. runCli asserts the index unchanged after each run.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(root, 'docs', 'd.md'), anHourAgo, anHourAgo);
    for (const args of [
      ['check'],
      ['check', '--staged'],
      ['check', '--base', 'HEAD'],
      ['check', 'docs/d.md'],
    ]) {
      const passed = await runCli(args, { cwd: root });
      expect(passed.code, args.join(' ')).toBe(0);
    }
    writeFiles(root, { 'src/a.ts': 'changed\n' });
    const blocked = await runCli(['check'], { cwd: root });
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/scope src\n +src\/a\.ts\n/);
  });
});

describe('scopeguard check: sources of changes', () => {
  it('checks paths given as arguments, relative to the working directory', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const holder = await holdLock(root, 'refactor', ['src']);

    const blocked = await runCli(['check', 'src/a.ts', 'docs/x.md', 'src/not-yet.ts'], {
      cwd: root,
    });
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain('scopeguard: 2 given paths inside scopes held by other loops');
    expect(blocked.stdout).toContain(`loop "refactor" (pid ${holder}`);
    expect(blocked.stdout).toMatch(/scope src\n +src\/a\.ts\n +src\/not-yet\.ts\n/);
    expect(blocked.stdout).not.toContain('docs/x.md');
    expect(blocked.stdout).toContain('--mode warn');

    const free = await runCli(['check', 'docs/x.md', 'srcx/y.ts'], { cwd: root });
    expect(free).toMatchObject({ code: 0, stdout: '' });

    mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    const fromSubdir = await runCli(['check', 'b.ts', '--format', 'json'], {
      cwd: path.join(root, 'src', 'deep'),
    });
    expect(fromSubdir.code).toBe(1);
    expect(conflictFiles(fromSubdir.stdout)).toEqual(['src/deep/b.ts']);

    const warned = await runCli(['check', 'src/a.ts', '--mode', 'warn'], { cwd: root });
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('(mode warn, not blocking)');
  });

  it('reads paths from stdin, NUL-separated or one per line', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    await holdLock(root, 'refactor', ['src']);

    const nul = await runCli(['check', '--stdin', '--format', 'json'], {
      cwd: root,
      input: 'src/a b.ts\0docs/x.md\0src/line\nbreak.ts\0',
    });
    expect(nul.code).toBe(1);
    expect(conflictFiles(nul.stdout)).toEqual(['src/a b.ts', 'src/line\nbreak.ts']);

    const lines = await runCli(['check', '--stdin', '--format', 'json'], {
      cwd: root,
      input: 'docs/x.md\nsrc/y.ts\r\nsrc/z w.ts\n',
    });
    expect(lines.code).toBe(1);
    expect(conflictFiles(lines.stdout)).toEqual(['src/y.ts', 'src/z w.ts']);

    const none = await runCli(['check', '--stdin'], { cwd: root, input: 'docs/x.md\nREADME\n' });
    expect(none).toMatchObject({ code: 0, stdout: '' });

    // piping git's own listing in works too
    writeFiles(root, { 'src/a.ts': 'changed\n' });
    const piped = await runCli(['check', '--stdin'], {
      cwd: root,
      input: git(root, 'diff', '--name-only', '-z'),
    });
    expect(piped.code).toBe(1);
    expect(piped.stdout).toMatch(/scope src\n +src\/a\.ts\n/);
  });

  it('checks a branch from its merge base (three dots): changes only on main do not count', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'src/b.ts': 'b\n', 'notes.txt': 'n\n' });
    git(root, 'checkout', '-q', '-b', 'feature');
    writeFiles(root, { 'src/a.ts': 'feature change\n' });
    git(root, 'commit', '-qam', 'feature touches src/a.ts');
    git(root, 'checkout', '-q', '-b', 'docs-only', 'main');
    writeFiles(root, { 'notes.txt': 'docs-only change\n' });
    git(root, 'commit', '-qam', 'docs-only touches notes.txt');
    // main moves on after both branch points, inside the locked scope
    git(root, 'checkout', '-q', 'main');
    writeFiles(root, { 'src/b.ts': 'main change\n' });
    git(root, 'commit', '-qam', 'main touches src/b.ts');
    const holder = await holdLock(root, 'refactor', ['src']);

    git(root, 'checkout', '-q', 'feature');
    const onFeature = await leavesRecordsUntouched(root, () =>
      runCli(['check', '--base', 'main', '--format', 'json'], { cwd: root }),
    );
    expect(onFeature.code).toBe(1);
    const report = JSON.parse(onFeature.stdout);
    expect(report).toMatchObject({ ok: false, source: 'range', filesChecked: 1 });
    expect(report.range).toEqual({
      base: git(root, 'rev-parse', 'main').trim(),
      head: git(root, 'rev-parse', 'feature').trim(),
      mergeBase: git(root, 'rev-parse', 'main~1').trim(),
    });
    expect(conflictFiles(onFeature.stdout)).toEqual(['src/a.ts']);

    const text = await runCli(['check', '--base', 'main', '--head', 'feature'], { cwd: root });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('scopeguard: 1 file changed in the range inside scopes held');
    expect(text.stdout).toContain(`loop "refactor" (pid ${holder}`);
    expect(text.stdout).toMatch(/scope src\n +src\/a\.ts\n/);
    expect(text.stdout).not.toContain('src/b.ts');

    // from main, naming both ends; the branch that stayed out of src passes
    git(root, 'checkout', '-q', 'main');
    const docsOnly = await runCli(['check', '--base', 'main', '--head', 'docs-only'], {
      cwd: root,
    });
    expect(docsOnly).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('scopeguard check: configuration', () => {
  it('never guards files matching the ignore globs, and rejects a config with an unknown key', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'changed\n', 'src/gen/out.snap': 'x\n' });
    git(root, 'add', '-A');
    expect(
      conflictFiles(
        (await runCli(['check', '--staged', '--format', 'json'], { cwd: root })).stdout,
      ),
    ).toEqual(['src/a.ts', 'src/gen/out.snap']);

    writeFileSync(path.join(root, '.scopeguardrc.json'), JSON.stringify({ ignore: ['**/*.snap'] }));
    const ignored = await runCli(['check', '--staged', '--format', 'json'], { cwd: root });
    expect(ignored.code).toBe(1);
    expect(conflictFiles(ignored.stdout)).toEqual(['src/a.ts']);

    writeFileSync(path.join(root, '.scopeguardrc.json'), JSON.stringify({ ignored: ['x'] }));
    const typo = await runCli(['check', '--staged'], { cwd: root });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      `${path.join(root, '.scopeguardrc.json')}: unknown key "ignored"`,
    );
  });
});

describe('scopeguard check and the lock core agree on overlaps', () => {
  it('refuses a lock on a file a held glob owns, and on a glob over a held file', async () => {
    const root = await guardedRepo({
      'docs/b.md': 'b\n',
      'docs/c.txt': 'c\n',
      'notes/n.txt': 'n\n',
    });
    await holdLock(root, 'pages', ['docs/*.md']);

    const blocked = await runCli(['check', 'docs/b.md', 'docs/c.txt', '--format', 'json'], {
      cwd: root,
    });
    expect(blocked.code).toBe(1);
    expect(conflictFiles(blocked.stdout)).toEqual(['docs/b.md']);

    const refused = await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'one-page',
        '--scope',
        'docs/b.md',
        '--pid',
        String(process.pid),
      ],
      { cwd: root },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not acquired');
    expect(refused.stderr).toContain('pages');

    // a file no glob owns is free, and a glob over it is then refused
    await holdLock(root, 'text', ['notes/n.txt']);
    const overText = await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'all-text',
        '--scope',
        'notes/*.txt',
        '--pid',
        String(process.pid),
      ],
      {
        cwd: root,
      },
    );
    expect(overText.code).toBe(1);
    expect(overText.stderr).toContain('held by loop "text"');
  });
});

describe('scopeguard check: case', () => {
  it('compares case-folded only when the repository sets core.ignorecase', async () => {
    const root = await guardedRepo({ 'src/api/x.ts': 'x\n' });
    await holdLock(root, 'refactor', ['Src/API']);
    writeFiles(root, { 'src/api/x.ts': 'changed\n' });
    git(root, 'add', '-A');
    const sensitive = await runCli(['check', '--staged', '--format', 'json'], { cwd: root });
    expect(sensitive.code).toBe(0);
    expect(conflictFiles(sensitive.stdout)).toEqual([]);

    git(root, 'config', 'core.ignorecase', 'true');
    const insensitive = await runCli(['check', '--staged', '--format', 'json'], { cwd: root });
    expect(insensitive.code).toBe(1);
    expect(conflictFiles(insensitive.stdout)).toEqual(['src/api/x.ts']);
  });

  // With thousands of entries, matching twice costs more than asking git for core.ignorecase
  // first: the guard takes the other way there, and must fold case on it too.
  it.each([
    ['a scope in lower case', 0],
    ['thousands of scope entries', 2_500],
  ])('folds the case of a changed path too, against %s', async (_, entries) => {
    const root = await guardedRepo({ 'Src/API/x.ts': 'x\n' });
    const elsewhere = Array.from({ length: entries }, (_, n) => `area${n}`);
    await holdLock(root, 'refactor', ['src/api', ...elsewhere]);
    writeFiles(root, { 'Src/API/x.ts': 'changed\n' });
    git(root, 'add', '-A');
    const sensitive = await runCli(['check', '--staged', '--format', 'json'], { cwd: root });
    expect(sensitive.code).toBe(0);

    git(root, 'config', 'core.ignorecase', 'true');
    const insensitive = await runCli(['check', '--staged', '--format', 'json'], { cwd: root });
    expect(insensitive.code).toBe(1);
    expect(conflictFiles(insensitive.stdout)).toEqual(['Src/API/x.ts']);
  });
});

// util-linux `script` runs a command on a pseudo-terminal, as a terminal emulator would.
const hasScript = /util-linux/.test(
  spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '',
);

describe.skipIf(!hasScript)('scopeguard check on a terminal', () => {
  it('says in one line that it passed; through a pipe it stays silent', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'README.md': 'changed\n' });
    const commandLine = `${shellQuote(process.execPath)} ${shellQuote(binPath)} check`;
    const onTerminal = spawnSync('script', ['-qec', commandLine, '/dev/null'], {
      cwd: root,
      env: isolatedEnv(),
      encoding: 'utf8',
    });
    expect(onTerminal.status, onTerminal.stdout).toBe(0);
    expect(onTerminal.stdout).toContain(
      'scopeguard: ok: 1 changed file checked, none inside a scope held by another loop',
    );
    const piped = await runCli(['check'], { cwd: root });
    expect(piped).toMatchObject({ code: 0, stdout: '' });
  });
});
