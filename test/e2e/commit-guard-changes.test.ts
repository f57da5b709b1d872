import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import {
  commit,
  commitSubjects,
  filesOfHead,
  guardedRepo,
  holdLock,
  runGit,
  stagedFiles,
  writeFiles,
} from '../support/commit-repo.js';
import { git } from '../support/temp-dir.js';

describe('what a commit changes, as the hook sees it', () => {
  it('blocks renames out of and into a locked directory, and deletions inside it', async () => {
    const root = await guardedRepo({ 'src/old.ts': 'old\n', 'outside.ts': 'out\n' });
    const holder = await holdLock(root, 'refactor', ['src']);

    git(root, 'mv', 'src/old.ts', 'moved-out.ts');
    const out = await commit(root, 'rename out');
    expect(out.code).toBe(1);
    expect(out.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(out.output).toMatch(/scope src\n +src\/old\.ts -> moved-out\.ts\n/);
    git(root, 'reset', '-q', '--hard');

    git(root, 'mv', 'outside.ts', 'src/moved-in.ts');
    const into = await commit(root, 'rename in');
    expect(into.code).toBe(1);
    expect(into.output).toMatch(/scope src\n +outside\.ts -> src\/moved-in\.ts\n/);
    git(root, 'reset', '-q', '--hard');

    git(root, 'rm', '-q', 'src/old.ts');
    const deletion = await commit(root, 'delete');
    expect(deletion.code).toBe(1);
    expect(deletion.output).toMatch(/scope src\n +src\/old\.ts\n/);

    expect(commitSubjects(root)).toEqual(['baseline']);
  });

  it('names a renamed file by both paths, staged, in the working tree and in a range', async () => {
    const root = await guardedRepo({ 'src/old.ts': 'old\n' });
    await holdLock(root, 'refactor', ['src']);
    git(root, 'mv', 'src/old.ts', 'moved-out.ts');
    const renamed = { file: 'moved-out.ts', renamedFrom: 'src/old.ts', matchedScope: 'src' };
    const conflictsOf = (stdout: string) =>
      (JSON.parse(stdout) as { conflicts: Record<string, unknown>[] }).conflicts.map(
        ({ file, renamedFrom, matchedScope }) => ({
          file,
          renamedFrom,
          matchedScope: path.relative(root, String(matchedScope)) || String(matchedScope),
        }),
      );

    const staged = await runCli(['check', '--staged', '--format', 'json'], { cwd: root });
    expect(staged.code).toBe(1);
    expect(conflictsOf(staged.stdout)).toEqual([renamed]);
    const worktree = await runCli(['check'], { cwd: root });
    expect(worktree.code).toBe(1);
    expect(worktree.stdout).toContain('      src/old.ts -> moved-out.ts\n');

    git(root, 'commit', '-q', '--no-verify', '-m', 'rename out');
    const range = await runCli(['check', '--base', 'HEAD~1', '--format', 'json'], { cwd: root });
    expect(range.code).toBe(1);
    expect(conflictsOf(range.stdout)).toEqual([renamed]);
  });

  it('sees what `git commit -a` and `git commit <path>` really commit (their temporary index)', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'free.txt': 'f\n' });
    const holder = await holdLock(root, 'refactor', ['src']);

    // -a: the locked file is modified but not staged; -a commits it anyway
    writeFiles(root, { 'src/a.ts': 'unstaged change\n' });
    expect(stagedFiles(root)).toEqual([]);
    const all = await commit(root, 'all', ['-a']);
    expect(all.code).toBe(1);
    expect(all.output).toContain(`loop "refactor" (pid ${holder}`);
    expect(all.output).toContain('src/a.ts');
    expect(commitSubjects(root)).toEqual(['baseline']);

    // <path>: only the named, unlocked path is committed, the staged locked file stays behind
    git(root, 'add', 'src/a.ts');
    writeFiles(root, { 'free.txt': 'changed\n' });
    const onlyFree = await commit(root, 'only free', ['--', 'free.txt']);
    expect(onlyFree.code, onlyFree.output).toBe(0);
    expect(onlyFree.output).not.toContain('scopeguard');
    expect(commitSubjects(root)).toEqual(['only free', 'baseline']);
    expect(filesOfHead(root)).toEqual(['free.txt']);
    expect(stagedFiles(root)).toEqual(['src/a.ts']);

    // <lockedpath>: blocked
    const locked = await commit(root, 'locked path', ['--', 'src/a.ts']);
    expect(locked.code).toBe(1);
    expect(locked.output).toMatch(/scope src\n +src\/a\.ts\n/);
    expect(commitSubjects(root)).toEqual(['only free', 'baseline']);
    expect(stagedFiles(root)).toEqual(['src/a.ts']);
  });

  it('matches a glob scope entry as a glob relative to its directory', async () => {
    const root = await guardedRepo({ 'docs/keep.txt': 'k\n' });
    const holder = await holdLock(root, 'docs-loop', ['docs/*.md']);

    writeFiles(root, { 'docs/a.md': 'a\n' });
    git(root, 'add', 'docs/a.md');
    const markdown = await commit(root, 'md');
    expect(markdown.code).toBe(1);
    expect(markdown.output).toContain(`loop "docs-loop" (pid ${holder}`);
    expect(markdown.output).toMatch(/scope docs\/\*\.md\n +docs\/a\.md\n/);
    git(root, 'reset', '-q');

    writeFiles(root, { 'docs/a.txt': 'a\n' });
    git(root, 'add', 'docs/a.txt');
    const text = await commit(root, 'txt');
    expect(text.code, text.output).toBe(0);

    writeFiles(root, { 'docs/sub/b.md': 'b\n' });
    git(root, 'add', 'docs/sub/b.md');
    const nested = await commit(root, 'nested md');
    expect(nested.code, nested.output).toBe(0);

    // a folder the glob matches is owned with everything in it
    writeFiles(root, { 'docs/old.md/page.txt': 'p\n' });
    git(root, 'add', 'docs/old.md/page.txt');
    const below = await commit(root, 'below a match');
    expect(below.code).toBe(1);
    expect(below.output).toMatch(/scope docs\/\*\.md\n +docs\/old\.md\/page\.txt\n/);

    expect(commitSubjects(root)).toEqual(['nested md', 'txt', 'baseline']);
  });

  it('blocks commits inside locked folders whose names look like globs', async () => {
    const root = await guardedRepo({
      'app/[id]/page.tsx': 'p\n',
      'app/[...slug]/page.tsx': 's\n',
      '{{project}}/README.md': 't\n',
      'app/(group)/layout.tsx': 'l\n',
    });
    const routes = await holdLock(root, 'routes', ['app/[id]', 'app/[...slug]', 'app/(group)']);
    const templates = await holdLock(root, 'templates', ['{{project}}']);

    for (const [file, holder] of [
      ['app/[id]/page.tsx', routes],
      ['app/[...slug]/page.tsx', routes],
      ['{{project}}/README.md', templates],
      ['app/(group)/layout.tsx', routes],
    ] as const) {
      writeFiles(root, { [file]: 'changed\n' });
      git(root, 'add', file);
      const blocked = await commit(root, `touch ${file}`);
      expect(blocked.code, file).toBe(1);
      expect(blocked.output).toContain(`(pid ${holder}`);
      expect(blocked.output).toContain(`      ${file}\n`);
      git(root, 'reset', '-q', '--hard');
    }
    expect(commitSubjects(root)).toEqual(['baseline']);
  });

  it('names files with spaces, newlines, quotes, tabs and non-ASCII exactly', async () => {
    const root = await guardedRepo({ 'README.md': 'r\n' });
    git(root, 'config', 'core.quotePath', 'true');
    const holder = await holdLock(root, 'refactor', ['src']);
    const names = [
      'src/with space.ts',
      'src/new\nline.ts',
      'src/double"quote.ts',
      "src/single'quote.ts",
      'src/tab\there.ts',
      'src/café.ts',
      'src/日本/語.ts',
    ];
    writeFiles(root, Object.fromEntries(names.map((name) => [name, 'x\n'])));
    git(root, 'add', 'src');

    const blocked = await commit(root, 'odd names');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(
      `scopeguard: ${names.length} staged files inside scopes held by other loops`,
    );
    expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
    // Printable names appear as they are; names with control characters are quoted and escaped,
    // so a newline in a name cannot forge a line of the report.
    for (const name of names) {
      const shown = /[\t\n]/.test(name) ? JSON.stringify(name) : name;
      expect(blocked.output).toContain(`      ${shown}\n`);
    }
    expect(blocked.output).toContain('      "src/new\\nline.ts"\n');
    expect(blocked.output).not.toContain('\\303'); // no octal quoting from core.quotePath
    expect(commitSubjects(root)).toEqual(['baseline']);

    const json = await runCli(['check', '--staged', '--format', 'json'], { cwd: root });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, ok: false, source: 'staged' });
    expect(report.conflicts.map((conflict: { file: string }) => conflict.file).sort()).toEqual(
      [...names].sort(),
    );

    // the same names given back on stdin, NUL-separated as `git diff -z` prints them
    const viaStdin = await runCli(['check', '--stdin', '--format', 'json'], {
      cwd: root,
      input: `${names.join('\0')}\0`,
    });
    expect(viaStdin.code).toBe(1);
    expect(
      JSON.parse(viaStdin.stdout)
        .conflicts.map((conflict: { file: string }) => conflict.file)
        .sort(),
    ).toEqual([...names].sort());

    // git commit --no-verify bypasses the guard and records the same names
    const skipped = await runGit(root, ['commit', '-qm', 'skip', '--no-verify']);
    expect(skipped.code).toBe(0);
    expect(filesOfHead(root).sort()).toEqual([...names].sort());
  });
});
