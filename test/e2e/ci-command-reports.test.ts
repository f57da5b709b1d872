import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commitOnFeature,
  githubEnv,
  gitlabEnv,
  makeCiRepo,
  pullRequestEvent,
  sha,
  type CiRepo,
} from '../support/ci-repo.js';
import { runCli } from '../support/cli.js';
import { holdLock } from '../support/commit-repo.js';
import { startIdleProcess } from '../support/processes.js';
import { git, makeTempDir } from '../support/temp-dir.js';
import { annotatedFiles, runnerCommands } from '../support/workflow-commands.js';

const manyFiles = Array.from(
  { length: 13 },
  (_, i) => `src/many/f${String(i + 1).padStart(2, '0')}.ts`,
);

/** The CI layout plus a feature commit adding 13 files under src/many, locked by loop "bulk". */
async function repoWithManyConflicts(): Promise<{ repo: CiRepo; head: string }> {
  const repo = makeCiRepo();
  const head = commitOnFeature(
    repo,
    Object.fromEntries(manyFiles.map((file) => [file, 'x\n'])),
    'feature adds 13 files',
  );
  await holdLock(repo.root, 'bulk', ['src/many']);
  return { repo, head };
}

const lines = (output: string, prefix: string) =>
  output.split('\n').filter((line) => line.startsWith(prefix));

describe('scopeguard ci --format github', () => {
  it('annotates at most 10 files, then one notice with the rest; warnings and exit 0 in warn mode', async () => {
    const { repo, head } = await repoWithManyConflicts();
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, head));

    const blocked = await runCli(['ci'], { cwd: repo.root, env });
    expect(blocked.code, blocked.stderr).toBe(1);
    expect(lines(blocked.stdout, '::error ')).toHaveLength(10);
    expect(lines(blocked.stdout, '::warning')).toEqual([]);
    expect(lines(blocked.stdout, '::notice')).toEqual([
      '::notice::3 more conflicting files not annotated; see the step summary.',
    ]);
    // what the runner acts on: exactly those 11 commands, and no annotation twice
    const commands = runnerCommands(blocked.stdout);
    expect(commands.map((command) => command.command)).toEqual([
      ...Array<string>(10).fill('error'),
      'notice',
    ]);
    const annotated = annotatedFiles(blocked.stdout);
    expect(new Set(annotated).size).toBe(10);
    for (const file of annotated) expect(manyFiles).toContain(file);
    expect(runnerCommands(blocked.stderr)).toEqual([]);
    // the text report still names all 13
    for (const file of manyFiles) expect(blocked.stdout).toContain(`      ${file}\n`);

    const warned = await runCli(['ci', '--mode', 'warn'], { cwd: repo.root, env });
    expect(warned.code, warned.stderr).toBe(0);
    expect(lines(warned.stdout, '::warning ')).toHaveLength(10);
    expect(lines(warned.stdout, '::error')).toEqual([]);
    expect(lines(warned.stdout, '::notice')).toEqual([
      '::notice::3 more conflicting files not annotated; see the step summary.',
    ]);
    expect(warned.stdout).toContain('(mode warn, not blocking)');
  });

  it('appends a table of every conflict to GITHUB_STEP_SUMMARY and conflicts=<n> to GITHUB_OUTPUT', async () => {
    const { repo, head } = await repoWithManyConflicts();
    const dir = makeTempDir('scopeguard-gh-files-');
    const summary = path.join(dir, 'step_summary.md');
    const output = path.join(dir, 'output');
    writeFileSync(summary, '## an earlier step\n\nits text\n');
    writeFileSync(output, 'earlier=1\n');
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, head), {
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
    });

    const blocked = await runCli(['ci'], { cwd: repo.root, env });
    expect(blocked.code, blocked.stderr).toBe(1);
    const table = readFileSync(summary, 'utf8');
    expect(table.startsWith('## an earlier step\n\nits text\n')).toBe(true);
    expect(table).toContain('### scopeguard: 13 conflicts, blocking\n');
    expect(table).toContain('| File | Loop | Instance | PID | Host | Held | Scope |\n');
    const rows = lines(table, '| `');
    expect(rows).toHaveLength(13);
    expect(rows.map((row) => /^\| `([^`]*)` \| `bulk` \|/.exec(row)?.[1]).sort()).toEqual(
      manyFiles,
    );
    expect(readFileSync(output, 'utf8')).toBe('earlier=1\nconflicts=13\n');

    // a second run (warn mode) appends again, keeping everything before it
    const warned = await runCli(['ci', '--mode', 'warn'], { cwd: repo.root, env });
    expect(warned.code, warned.stderr).toBe(0);
    const twice = readFileSync(summary, 'utf8');
    expect(twice.startsWith(table)).toBe(true);
    expect(twice.slice(table.length)).toContain(
      '### scopeguard: 13 conflicts, warning (not blocking)',
    );
    expect(lines(twice, '| `')).toHaveLength(26);
    expect(readFileSync(output, 'utf8')).toBe('earlier=1\nconflicts=13\nconflicts=13\n');
  });

  it('appends to the runner files but refuses to follow a symlink in their place (exit 3)', async () => {
    const { repo, head } = await repoWithManyConflicts();
    const dir = makeTempDir('scopeguard-gh-files-');
    const target = path.join(dir, 'elsewhere.txt');
    writeFileSync(target, 'untouched\n');
    const summary = path.join(dir, 'step_summary.md');
    symlinkSync(target, summary);
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, head), {
      GITHUB_STEP_SUMMARY: summary,
    });

    const result = await runCli(['ci'], { cwd: repo.root, env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot append to the step summary ${summary} (ELOOP)`);
    // the annotations and the report were printed first
    expect(lines(result.stdout, '::error ')).toHaveLength(10);
    expect(readFileSync(target, 'utf8')).toBe('untouched\n');
  });

  it('escapes file names in annotations so that the runner reads back the exact names', async () => {
    const repo = makeCiRepo();
    const odd = [
      'src/odd/a,b.ts',
      'src/odd/c:d.ts',
      'src/odd/100%.ts',
      'src/odd/line\nbreak.ts',
      'src/odd/carriage\rreturn.ts',
      'src/odd/literal%0A.ts',
      'src/odd/all, of: them%\n.ts',
    ];
    const head = commitOnFeature(
      repo,
      Object.fromEntries(odd.map((file) => [file, 'x\n'])),
      'odd names',
    );
    await holdLock(repo.root, 'oddities', ['src/odd']);
    const summary = path.join(makeTempDir('scopeguard-gh-files-'), 'step_summary.md');
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, head), {
      GITHUB_STEP_SUMMARY: summary,
    });

    const result = await runCli(['ci'], { cwd: repo.root, env });
    expect(result.code, result.stderr).toBe(1);
    const errors = lines(result.stdout, '::error ');
    expect(errors).toHaveLength(odd.length);
    // the step summary names them escaped, one table row each, with no lone CR to split a row
    const table = readFileSync(summary, 'utf8');
    expect(table).not.toContain('\r');
    expect(table).toContain('| `"src/odd/carriage\\rreturn.ts"` |');
    expect(table).toContain('| `"src/odd/line\\nbreak.ts"` |');
    expect(lines(table, '| `')).toHaveLength(odd.length);
    // every workflow command stays on one line: no raw CR anywhere on stdout
    expect(result.stdout).not.toContain('\r');

    expect(errors).toContainEqual(
      expect.stringMatching(
        /^::error file=src\/odd\/a%2Cb\.ts,title=Held by loop oddities::src\/odd\/a,b\.ts is inside/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^::error file=src\/odd\/c%3Ad\.ts,title=[^:]*::src\/odd\/c:d\.ts is inside/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^::error file=src\/odd\/100%25\.ts,title=[^:]*::src\/odd\/100%25\.ts is inside/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^::error file=src\/odd\/line%0Abreak\.ts,title=[^:]*::"src\/odd\/line\\nbreak\.ts" is inside/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^::error file=src\/odd\/literal%250A\.ts,title=[^:]*::src\/odd\/literal%250A\.ts is inside/,
      ),
    );

    // read back the way the runner does, every annotation names a real file, each exactly once;
    // the message shows it too, quoted and escaped when it holds a line break
    const commands = runnerCommands(result.stdout).filter((c) => c.command === 'error');
    expect(commands.map((c) => c.properties.file).sort()).toEqual([...odd].sort());
    for (const command of commands) {
      const file = command.properties.file!;
      expect(command.properties.title).toBe('Held by loop oddities');
      expect(command.data).toMatch(/ is inside scope src\/odd held by loop "oddities" \(pid \d+/);
      const shown = /[\r\n]/.test(file) ? JSON.stringify(file) : file;
      expect(command.data.startsWith(`${shown} is inside scope`)).toBe(true);
      expect(command.data).not.toMatch(/[\r\n]/);
    }
  });

  it('file names that look like workflow commands are not acted on by the runner', async () => {
    const repo = makeCiRepo();
    const hostile = [
      '::warning::injected at the start of a line',
      '  ::add-mask::indented',
      'src/##[warning]legacy syntax anywhere in a line',
      'src/x::error::not at the start',
    ];
    const head = commitOnFeature(
      repo,
      Object.fromEntries(hostile.map((file) => [file, 'x\n'])),
      'hostile names',
    );
    // a loop holding the whole project: top-level names conflict and are listed one per line
    await holdLock(repo.root, 'everything', ['.']);
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, head));

    for (const mode of ['block', 'warn']) {
      const result = await runCli(['ci', '--mode', mode], { cwd: repo.root, env });
      expect(result.code, result.stderr).toBe(mode === 'block' ? 1 : 0);
      // the text report still shows the names to a human reading the log, quoted and inert
      expect(result.stdout).toContain('      "::warning::injected at the start of a line"\n');
      expect(result.stdout).toContain(
        '      "src/#\\u0023[warning]legacy syntax anywhere in a line"\n',
      );
      // the runner acts only on scopeguard's own annotations, even if it ignored the pause
      // around the text report
      const severity = mode === 'block' ? 'error' : 'warning';
      const commands = runnerCommands(result.stdout);
      expect(commands.filter((command) => command.command !== severity)).toEqual([]);
      const unpaused = runnerCommands(
        result.stdout.replace(/^::(stop-commands::)?[\w-]+::$/gm, ''),
      );
      expect(unpaused.filter((command) => command.command !== severity)).toEqual([]);
      // a.ts, new.ts, notes.txt and the hostile names, each annotated under its real name
      expect(annotatedFiles(result.stdout)).toEqual(
        ['notes.txt', 'src/a.ts', 'src/new.ts', ...hostile].sort(),
      );
      expect(runnerCommands(result.stderr)).toEqual([]);
    }
  });
});

describe('scopeguard ci --format json inside GitHub Actions', () => {
  it('prints one JSON document and no workflow commands', async () => {
    const repo = makeCiRepo();
    const holder = await holdLock(repo.root, 'refactor', ['src']);
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip));

    const result = await runCli(['ci', '--format', 'json'], { cwd: repo.root, env });
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      schemaVersion: 1,
      ok: false,
      mode: 'block',
      source: 'range',
      filesChecked: 3,
    });
    expect(report.range).toEqual({
      base: repo.mainTip,
      head: repo.featureTip,
      mergeBase: repo.branchPoint,
    });
    expect(
      (report.conflicts as { file: string; lock: { loop_name: string; pid: number } }[])
        .map((c) => [c.file, c.lock.loop_name, c.lock.pid])
        .sort(),
    ).toEqual([
      ['src/a.ts', 'refactor', holder],
      ['src/new.ts', 'refactor', holder],
    ]);
    expect(runnerCommands(result.stdout)).toEqual([]);
  });
});

describe('scopeguard ci --format gitlab', () => {
  /** The CI layout with two locks (one pid) over src/a.ts, so that it conflicts twice. */
  async function repoWithTwoLocks(): Promise<CiRepo> {
    const repo = makeCiRepo();
    const holder = startIdleProcess().pid;
    await holdLock(repo.root, 'refactor', ['src'], holder);
    // locks held by one process never conflict with each other, so both can be taken
    await holdLock(repo.root, 'docs', ['src/a.ts'], holder);
    return repo;
  }

  interface Issue {
    description: string;
    check_name: string;
    fingerprint: string;
    severity: string;
    location: { path: string; lines: { begin: number } };
  }
  const readIssues = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Issue[];

  it('writes a Code Quality report with one issue per file and lock and stable, unique fingerprints', async () => {
    const repo = await repoWithTwoLocks();
    const env = gitlabEnv({
      CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
      CI_COMMIT_SHA: repo.featureTip,
    });
    const file = path.join(repo.root, 'gl-code-quality-report.json');

    const first = await runCli(['ci'], { cwd: repo.root, env });
    expect(first.code, first.stderr).toBe(1);
    // the human report on stdout, for the job log
    expect(first.stdout).toContain('scopeguard: 2 files changed in the range inside scopes held');
    const issues = readIssues(file);
    expect(
      issues
        .map((issue) => [issue.location.path, /loop "([^"]+)"/.exec(issue.description)?.[1]])
        .sort(),
    ).toEqual([
      ['src/a.ts', 'docs'],
      ['src/a.ts', 'refactor'],
      ['src/new.ts', 'refactor'],
    ]);
    for (const issue of issues) {
      expect(issue.severity).toBe('major');
      expect(issue.check_name).toBe('scopeguard/held-scope');
      expect(issue.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(issue.location.lines.begin).toBe(1);
    }
    const fingerprints = issues.map((issue) => issue.fingerprint);
    expect(new Set(fingerprints).size).toBe(3);

    // the same pipeline again: the same findings keep their fingerprints
    const second = await runCli(['ci'], { cwd: repo.root, env });
    expect(second.code).toBe(1);
    expect(
      readIssues(file)
        .map((issue) => issue.fingerprint)
        .sort(),
    ).toEqual([...fingerprints].sort());

    // warn mode: minor, exit 0
    const warned = await runCli(['ci', '--mode', 'warn'], { cwd: repo.root, env });
    expect(warned.code, warned.stderr).toBe(0);
    expect(readIssues(file).map((issue) => issue.severity)).toEqual(['minor', 'minor', 'minor']);
    expect(
      readIssues(file)
        .map((issue) => issue.fingerprint)
        .sort(),
    ).toEqual([...fingerprints].sort());
  });

  it('--gitlab-report writes elsewhere (absolute, or relative to the working directory)', async () => {
    const repo = await repoWithTwoLocks();
    const env = gitlabEnv({
      CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
      CI_COMMIT_SHA: repo.featureTip,
    });
    const elsewhere = path.join(makeTempDir('scopeguard-report-'), 'quality.json');

    const absolute = await runCli(['ci', '--gitlab-report', elsewhere], { cwd: repo.root, env });
    expect(absolute.code, absolute.stderr).toBe(1);
    expect(absolute.stderr).toContain(`scopeguard: wrote the Code Quality report ${elsewhere}\n`);
    expect(readIssues(elsewhere)).toHaveLength(3);

    // relative to a subdirectory the job runs in, into a folder that does not exist yet
    const sub = path.join(repo.root, 'src');
    mkdirSync(sub, { recursive: true });
    const relative = await runCli(['ci', '--gitlab-report', 'reports/quality.json'], {
      cwd: sub,
      env,
    });
    expect(relative.code, relative.stderr).toBe(1);
    expect(readIssues(path.join(sub, 'reports', 'quality.json'))).toHaveLength(3);

    // the default file was never written
    expect(() => readFileSync(path.join(repo.root, 'gl-code-quality-report.json'))).toThrow();
  });
  /** Commit a symlink named `link` (to `target`) on the feature branch, as a pull request can. */
  function commitSymlink(repo: CiRepo, link: string, target: string): void {
    symlinkSync(target, path.join(repo.root, link));
    git(repo.root, 'add', '--', link);
    git(repo.root, 'commit', '-qm', `add the symlink ${link}`);
  }

  it('replaces a symlink committed at the report path instead of writing through it, with and without a lock directory', async () => {
    for (const withLocks of [true, false]) {
      const repo = makeCiRepo();
      const outside = path.join(makeTempDir('scopeguard-outside-'), 'precious.txt');
      writeFileSync(outside, 'precious\n');
      commitSymlink(repo, 'gl-code-quality-report.json', outside);
      if (withLocks) await holdLock(repo.root, 'refactor', ['src']);
      const env = gitlabEnv({
        CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
        CI_COMMIT_SHA: sha(repo.root, 'HEAD'),
      });

      const result = await runCli(['ci'], { cwd: repo.root, env });
      expect(result.code, result.stderr).toBe(withLocks ? 1 : 0);
      expect(readFileSync(outside, 'utf8')).toBe('precious\n');
      const report = path.join(repo.root, 'gl-code-quality-report.json');
      expect(lstatSync(report).isFile()).toBe(true);
      expect(readIssues(report)).toHaveLength(withLocks ? 2 : 0);
      // nothing but the report was left behind (no temp file)
      expect(readdirSync(repo.root).filter((name) => name.includes('gl-code-quality'))).toEqual([
        'gl-code-quality-report.json',
      ]);
    }
  });

  it('refuses a report path through a directory symlink in the checkout (exit 3) and writes nothing there', async () => {
    const repo = makeCiRepo();
    const outsideDir = makeTempDir('scopeguard-outside-');
    commitSymlink(repo, 'reports', outsideDir);
    await holdLock(repo.root, 'refactor', ['src']);
    const env = gitlabEnv({
      CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
      CI_COMMIT_SHA: sha(repo.root, 'HEAD'),
    });

    const result = await runCli(['ci', '--gitlab-report', 'reports/quality.json'], {
      cwd: repo.root,
      env,
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(
      `will not write the report ${path.join(repo.root, 'reports', 'quality.json')} through ${path.join(repo.root, 'reports')}, a symbolic link inside the checkout`,
    );
    expect(readdirSync(outsideDir)).toEqual([]);
  });
});
