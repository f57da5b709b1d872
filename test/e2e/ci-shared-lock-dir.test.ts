import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubEnv, makeCiRepo, noCiEnv, pullRequestEvent } from '../support/ci-repo.js';
import { runCli } from '../support/cli.js';
import { holdLock } from '../support/commit-repo.js';
import { git, makeTempDir } from '../support/temp-dir.js';
import { annotatedFiles } from '../support/workflow-commands.js';

const conflictFiles = (report: { conflicts: { file: string }[] }) =>
  [...new Set(report.conflicts.map((conflict) => conflict.file))].sort();

/**
 * The loops' own checkout, a clone of the same origin somewhere else, whose `.loops` the CI
 * runner reads through --loops-dir (the shared set-up of the README).
 */
function loopsCheckout(origin: string): string {
  const writer = path.join(makeTempDir(), 'loops-checkout');
  git(path.dirname(writer), 'clone', '-q', origin, writer);
  appendFileSync(path.join(writer, '.git', 'info', 'exclude'), '.loops/\n');
  return writer;
}

describe('scopeguard ci with a lock directory written by another checkout', () => {
  it("maps the writer's scope entries onto the runner's checkout", async () => {
    const repo = makeCiRepo();
    const writer = loopsCheckout(repo.origin);
    const holder = await holdLock(writer, 'refactor', ['src']);
    const loopsDir = path.join(writer, '.loops');

    const json = await runCli(
      [
        'ci',
        '--base',
        'main',
        '--head',
        repo.featureTip,
        '--format',
        'json',
        '--loops-dir',
        loopsDir,
      ],
      { cwd: repo.root, env: noCiEnv() },
    );
    expect(json.code, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(conflictFiles(report)).toEqual(['src/a.ts', 'src/new.ts']);
    expect(report.conflicts[0].lock).toMatchObject({ loop_name: 'refactor', pid: holder });
    expect(report.locksOutsideRepository).toBe(0);

    const outputs = path.join(makeTempDir(), 'github-output');
    const github = await runCli(['ci', '--loops-dir', loopsDir], {
      cwd: repo.root,
      env: githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip), {
        GITHUB_OUTPUT: outputs,
      }),
    });
    expect(github.code, github.stderr).toBe(1);
    expect(annotatedFiles(github.stdout)).toEqual(['src/a.ts', 'src/new.ts']);
    expect(readFileSync(outputs, 'utf8')).toContain('conflicts=2\n');
  });

  it('warns about a live lock with no entry inside the repository, and counts it', async () => {
    const repo = makeCiRepo();
    const writer = loopsCheckout(repo.origin);
    const elsewhere = makeTempDir();
    await holdLock(writer, 'far-away', [elsewhere]);

    const result = await runCli(
      ['ci', '--base', 'main', '--format', 'json', '--loops-dir', path.join(writer, '.loops')],
      { cwd: repo.root, env: noCiEnv() },
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.conflicts).toEqual([]);
    expect(report.locksOutsideRepository).toBe(1);
    expect(report.warnings).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining('lock far-away of loop "far-away"'),
      }),
    );

    const text = await runCli(
      ['ci', '--base', 'main', '--loops-dir', path.join(writer, '.loops')],
      {
        cwd: repo.root,
        env: noCiEnv(),
      },
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain(
      `scopeguard: warning: lock far-away of loop "far-away" (${path.join(writer, '.loops', '.running', 'far-away.lock')}) holds no path inside this repository (scope: ${elsewhere})`,
    );
  });

  it('names the first five locks that guard nothing here and counts the rest', async () => {
    const repo = makeCiRepo();
    const writer = loopsCheckout(repo.origin);
    const elsewhere = makeTempDir();
    for (let n = 1; n <= 7; n++) await holdLock(writer, `far-${n}`, [path.join(elsewhere, `${n}`)]);
    const loopsDir = path.join(writer, '.loops');

    const text = await runCli(['ci', '--base', 'main', '--loops-dir', loopsDir], {
      cwd: repo.root,
      env: noCiEnv(),
    });
    expect(text.code, text.stderr).toBe(0);
    const warnings = text.stderr
      .split('\n')
      .filter((line) => line.startsWith('scopeguard: warning:'));
    expect(
      warnings.filter((line) => line.includes('holds no path inside this repository (scope:')),
    ).toHaveLength(5);
    expect(warnings).toContain(
      'scopeguard: warning: 2 more locks hold no path inside this repository either (`scopeguard locks list` names them all).',
    );
    expect(text.stderr.split("must be that checkout's own .loops")).toHaveLength(2);

    const json = await runCli(
      ['ci', '--base', 'main', '--format', 'json', '--loops-dir', loopsDir],
      {
        cwd: repo.root,
        env: noCiEnv(),
      },
    );
    expect(JSON.parse(json.stdout).locksOutsideRepository).toBe(7);
  });
});
