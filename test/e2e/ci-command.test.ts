import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detachedMerge,
  githubEnv,
  gitlabEnv,
  makeCiRepo,
  noCiEnv,
  pullRequestEvent,
  zeroSha,
} from '../support/ci-repo.js';
import { runCli } from '../support/cli.js';
import { holdLock } from '../support/commit-repo.js';
import { git, isolatedEnv, makeTempDir } from '../support/temp-dir.js';
import { annotatedFiles, runnerCommands } from '../support/workflow-commands.js';

/** The files of a GitLab Code Quality report, one entry per issue, sorted. */
function codeQualityFiles(file: string): string[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { location: { path: string } }[])
    .map((issue) => issue.location.path)
    .sort();
}

const short = (commit: string) => commit.slice(0, 12);

function hasCommit(cwd: string, commit: string): boolean {
  const args = ['cat-file', '-e', `${commit}^{commit}`];
  return spawnSync('git', args, { cwd, env: isolatedEnv(), stdio: 'ignore' }).status === 0;
}

describe('scopeguard ci: the range from a GitHub event', () => {
  it('pull_request: checks the pull request head from its merge base with the base; changes only on main do not count', async () => {
    const repo = makeCiRepo();
    const holder = await holdLock(repo.root, 'refactor', ['src']);
    // GitHub checks out its merge of the pull request into main, so HEAD carries main's change too
    const merge = detachedMerge(repo.root, repo.featureTip, repo.mainTip);

    for (const eventName of ['pull_request', 'pull_request_target']) {
      const env = githubEnv(eventName, pullRequestEvent(repo.mainTip, repo.featureTip), {
        GITHUB_SHA: merge,
      });
      const result = await runCli(['ci'], { cwd: repo.root, env });
      expect(result.code, result.stderr).toBe(1);
      // default format inside GitHub Actions: annotations
      expect(annotatedFiles(result.stdout)).toEqual(['src/a.ts', 'src/new.ts']);
      expect(result.stdout).toContain(`loop "refactor" (pid ${holder}`);
      expect(result.stdout).not.toContain('src/b.ts');
      expect(result.stderr).toContain(
        `scopeguard: checking ${repo.mainTip}...${repo.featureTip} (GitHub ${eventName} event: the pull request's base and head)\n`,
      );
      // a.ts, new.ts and notes.txt: the feature's own changes from the branch point
      expect(result.stderr).toContain(
        `scopeguard: compared merge base ${short(repo.branchPoint)} with ${short(repo.featureTip)}: 3 changed files\n`,
      );
    }
  });

  it('push of a new branch (before is all zeros): compares with origin/<default_branch> from the payload', async () => {
    const repo = makeCiRepo();
    await holdLock(repo.root, 'refactor', ['src']);
    // without origin/HEAD, only the payload's repository.default_branch can name the base
    git(repo.root, 'remote', 'set-head', 'origin', '--delete');
    const env = githubEnv('push', {
      ref: 'refs/heads/feature',
      before: zeroSha,
      after: repo.featureTip,
      created: true,
      repository: { default_branch: 'main' },
    });

    const result = await runCli(['ci'], { cwd: repo.root, env });
    expect(result.code, result.stderr).toBe(1);
    expect(annotatedFiles(result.stdout)).toEqual(['src/a.ts', 'src/new.ts']);
    expect(result.stderr).toContain(
      `scopeguard: checking origin/main...${repo.featureTip} (GitHub push of a new branch (before is all zeros); base is the default branch origin/main)\n`,
    );
    expect(result.stderr).toContain(`compared merge base ${short(repo.branchPoint)} with`);
  });

  it('forced push: before may be gone, so the base is the default branch', async () => {
    const repo = makeCiRepo();
    await holdLock(repo.root, 'refactor', ['src']);
    const env = githubEnv('push', {
      ref: 'refs/heads/feature',
      before: 'b'.repeat(40),
      after: repo.featureTip,
      forced: true,
      repository: { default_branch: 'main' },
    });
    const result = await runCli(['ci'], { cwd: repo.root, env });
    expect(result.code, result.stderr).toBe(1);
    expect(annotatedFiles(result.stdout)).toEqual(['src/a.ts', 'src/new.ts']);
    expect(result.stderr).toContain(
      `scopeguard: checking origin/main...${repo.featureTip} (GitHub forced push; base is the default branch origin/main)\n`,
    );
  });

  it('push with a real before checks before..after only; merge_group checks the queued merge against its base', async () => {
    const repo = makeCiRepo();
    await holdLock(repo.root, 'refactor', ['src']);

    const push = await runCli(['ci'], {
      cwd: repo.root,
      env: githubEnv('push', {
        ref: 'refs/heads/feature',
        before: repo.featureFirst,
        after: repo.featureTip,
        repository: { default_branch: 'main' },
      }),
    });
    expect(push.code, push.stderr).toBe(1);
    // src/a.ts changed in the earlier push, not in this one
    expect(annotatedFiles(push.stdout)).toEqual(['src/new.ts']);
    expect(push.stderr).toContain(
      `scopeguard: checking ${repo.featureFirst}...${repo.featureTip} (GitHub push event: before..after)\n`,
    );

    // the merge queue's commit: main with the pull request merged in
    const queued = detachedMerge(repo.root, repo.mainTip, repo.featureTip);
    const group = await runCli(['ci'], {
      cwd: repo.root,
      env: githubEnv('merge_group', {
        merge_group: {
          base_sha: repo.mainTip,
          head_sha: queued,
          base_ref: 'refs/heads/main',
          head_ref: 'refs/heads/gh-readonly-queue/main/pr-1',
        },
        repository: { default_branch: 'main' },
      }),
    });
    expect(group.code, group.stderr).toBe(1);
    expect(annotatedFiles(group.stdout)).toEqual(['src/a.ts', 'src/new.ts']);
    expect(group.stderr).toContain(
      `scopeguard: checking ${repo.mainTip}...${queued} (GitHub merge_group event)\n`,
    );
    expect(group.stderr).toContain(`compared merge base ${short(repo.mainTip)} with`);
  });
});

describe('scopeguard ci: the range from GitLab variables', () => {
  it('merge request, merged results, branch and new-branch pipelines', async () => {
    const repo = makeCiRepo();
    await holdLock(repo.root, 'refactor', ['src']);
    const report = path.join(repo.root, 'gl-code-quality-report.json');
    const ci = async (variables: NodeJS.ProcessEnv) => {
      const result = await runCli(['ci'], { cwd: repo.root, env: gitlabEnv(variables) });
      expect(result.code, result.stderr).toBe(1);
      // default format inside GitLab CI: the Code Quality report in the working directory
      expect(result.stderr).toContain(`scopeguard: wrote the Code Quality report ${report}\n`);
      expect(result.stdout).toContain('inside scopes held by other loops');
      expect(runnerCommands(result.stdout)).toEqual([]);
      return { ...result, files: codeQualityFiles(report) };
    };

    const mergeRequest = await ci({
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
      CI_COMMIT_SHA: repo.featureTip,
      CI_DEFAULT_BRANCH: 'main',
    });
    expect(mergeRequest.files).toEqual(['src/a.ts', 'src/new.ts']);
    expect(mergeRequest.stderr).toContain(
      `scopeguard: checking ${repo.branchPoint}...${repo.featureTip} (GitLab merge request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA)\n`,
    );

    // merged results: CI_COMMIT_SHA is GitLab's merge into the newer main, and main's own change
    // must not be blamed on the merge request
    const merged = detachedMerge(repo.root, repo.mainTip, repo.featureTip);
    const mergedResults = await ci({
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: repo.featureTip,
      CI_MERGE_REQUEST_TARGET_BRANCH_SHA: repo.mainTip,
      CI_COMMIT_SHA: merged,
      CI_DEFAULT_BRANCH: 'main',
    });
    expect(mergedResults.files).toEqual(['src/a.ts', 'src/new.ts']);
    expect(mergedResults.stdout).not.toContain('src/b.ts');
    expect(mergedResults.stderr).toContain(
      `scopeguard: checking ${repo.branchPoint}...${repo.featureTip} (`,
    );
    git(repo.root, 'checkout', '-q', 'feature');

    const branch = await ci({
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_BEFORE_SHA: repo.featureFirst,
      CI_COMMIT_SHA: repo.featureTip,
      CI_DEFAULT_BRANCH: 'main',
    });
    expect(branch.files).toEqual(['src/new.ts']);
    expect(branch.stderr).toContain(
      `scopeguard: checking ${repo.featureFirst}...${repo.featureTip} (GitLab branch pipeline: CI_COMMIT_BEFORE_SHA)\n`,
    );

    // without origin/HEAD, only CI_DEFAULT_BRANCH can name the base
    git(repo.root, 'remote', 'set-head', 'origin', '--delete');
    const newBranch = await ci({
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_BEFORE_SHA: zeroSha,
      CI_COMMIT_SHA: repo.featureTip,
      CI_DEFAULT_BRANCH: 'main',
    });
    expect(newBranch.files).toEqual(['src/a.ts', 'src/new.ts']);
    expect(newBranch.stderr).toContain(
      `scopeguard: checking origin/main...${repo.featureTip} (GitLab pipeline without a previous commit (new branch); base is the default branch origin/main)\n`,
    );
  });
});

describe('scopeguard ci: shallow clones', () => {
  /** What a fetch would change: every object reachable, the shallow boundary, the refs. */
  function historySnapshot(clone: string) {
    return {
      commits: git(clone, 'rev-list', '--count', '--all'),
      shallow: readFileSync(path.join(clone, '.git', 'shallow'), 'utf8'),
      refs: git(clone, 'for-each-ref'),
      fetchHead: existsSync(path.join(clone, '.git', 'FETCH_HEAD')),
    };
  }

  it('exits 3 with the platform fix when the base or the merge base is missing, and never fetches', async () => {
    const repo = makeCiRepo();
    const parent = makeTempDir('scopeguard-shallow-');
    // file:// so that --depth applies (a plain path clones locally and ignores it)
    const shallowClone = (dir: string, ...options: string[]) =>
      git(parent, 'clone', '-q', '--depth', '1', ...options, `file://${repo.origin}`, dir);
    shallowClone('one', '--branch', 'feature');
    shallowClone('both', '--no-single-branch');
    const one = path.join(parent, 'one');
    const both = path.join(parent, 'both');
    git(both, 'checkout', '-q', 'feature');
    for (const clone of [one, both]) {
      expect(git(clone, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
      await holdLock(clone, 'refactor', ['src']);
    }
    expect(hasCommit(one, repo.featureTip)).toBe(true);
    expect(hasCommit(one, repo.mainTip)).toBe(false);
    expect(hasCommit(one, repo.branchPoint)).toBe(false);
    const before = { one: historySnapshot(one), both: historySnapshot(both) };

    const cases: {
      label: string;
      cwd: string;
      args?: string[];
      env: NodeJS.ProcessEnv;
      fix: string;
      error: string;
    }[] = [
      {
        label: 'GitHub, base not in the clone',
        cwd: one,
        env: githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip)),
        fix: 'fetch-depth: 0',
        error: `"${repo.mainTip}" does not name a commit in this repository`,
      },
      {
        label: 'GitLab, base not in the clone',
        cwd: one,
        env: gitlabEnv({
          CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
          CI_COMMIT_SHA: repo.featureTip,
        }),
        fix: 'GIT_DEPTH: 0',
        error: `"${repo.branchPoint}" does not name a commit in this repository`,
      },
      {
        label: 'GitHub, both ends present but no merge base',
        cwd: both,
        env: githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip)),
        fix: 'fetch-depth: 0',
        error: 'have no common ancestor in this clone',
      },
      {
        label: 'GitLab, new branch, no merge base with origin/main',
        cwd: both,
        env: gitlabEnv({
          CI_COMMIT_BEFORE_SHA: zeroSha,
          CI_DEFAULT_BRANCH: 'main',
          CI_COMMIT_SHA: repo.featureTip,
        }),
        fix: 'GIT_DEPTH: 0',
        error: 'have no common ancestor in this clone',
      },
      {
        label: 'outside CI',
        cwd: both,
        args: ['--base', 'origin/main'],
        env: noCiEnv(),
        fix: 'git fetch --unshallow',
        error: 'have no common ancestor in this clone',
      },
    ];
    for (const { label, cwd, args = [], env, fix, error } of cases) {
      const result = await runCli(['ci', ...args], { cwd, env });
      expect(result.code, `${label}: ${result.stderr}`).toBe(3);
      expect(result.stdout, label).toBe('');
      expect(result.stderr, label).toContain(error);
      expect(result.stderr, label).toContain(fix);
      expect(existsSync(path.join(cwd, 'gl-code-quality-report.json')), label).toBe(false);
    }
    expect({ one: historySnapshot(one), both: historySnapshot(both) }).toEqual(before);
  });
});

describe('scopeguard ci: refs and environment', () => {
  it('refuses option-like refs without running them as options', async () => {
    const repo = makeCiRepo();
    await holdLock(repo.root, 'refactor', ['src']);
    const scratch = makeTempDir('scopeguard-smuggle-');
    const target = path.join(scratch, 'x');

    // glued to the flag, the value reaches scopeguard, which resolves it with --end-of-options:
    // no such commit, exit 3
    for (const args of [
      [`--base=--output=${target}`],
      ['--base=-x'],
      ['--base', 'main', `--head=--output=${target}`],
    ]) {
      const result = await runCli(['ci', ...args], { cwd: repo.root, env: noCiEnv() });
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toContain('does not name a commit in this repository');
    }
    // the same from a CI payload
    const payload = await runCli(['ci'], {
      cwd: repo.root,
      env: githubEnv('pull_request', pullRequestEvent(`--output=${target}`, repo.featureTip)),
    });
    expect(payload.code).toBe(3);
    expect(payload.stderr).toContain(
      `pull_request.base.sha is "--output=${target}", not a commit sha (40 or 64 hex digits)`,
    );

    // as a separate word, an option-like value is refused by the parser: a usage error, exit 2,
    // before anything runs
    for (const value of ['-x', `--output=${target}`]) {
      const result = await runCli(['ci', '--base', value], { cwd: repo.root, env: noCiEnv() });
      expect(result.code, value).toBe(2);
      expect(result.stderr, value).toContain(`--base needs a value, but ${value} follows it`);
    }
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('refuses a malformed event payload or CI variable with exit 3 before printing any of it', async () => {
    const repo = makeCiRepo();
    await holdLock(repo.root, 'refactor', ['src']);
    const { mainTip, featureTip } = repo;
    const github: [string, unknown, string][] = [
      ['pull_request', null, 'it holds null, not a JSON object'],
      ['push', [mainTip], 'not a JSON object'],
      [
        'pull_request',
        pullRequestEvent(12345 as never, featureTip),
        'pull_request.base.sha is 12345',
      ],
      [
        'pull_request',
        pullRequestEvent({ sha: mainTip } as never, featureTip),
        'pull_request.base.sha is {"sha"',
      ],
      ['pull_request', pullRequestEvent(mainTip, 7 as never), 'pull_request.head.sha is 7'],
      ['pull_request', { pull_request: 'main' }, 'pull_request.base.sha is inside "main"'],
      ['push', { before: { sha: mainTip }, after: featureTip }, 'before is {"sha"'],
      ['push', { before: mainTip, after: 'HEAD~1' }, 'after is "HEAD~1"'],
      [
        'push',
        { before: mainTip, after: featureTip, forced: 'yes' },
        'forced is "yes", not true or false',
      ],
      [
        'merge_group',
        { merge_group: { base_sha: 'main', head_sha: featureTip } },
        'merge_group.base_sha is "main"',
      ],
      [
        'push',
        { before: '0'.repeat(40), repository: { default_branch: 5 } },
        'repository.default_branch is 5, not a string',
      ],
    ];
    for (const [eventName, payload, complaint] of github) {
      const env = githubEnv(eventName, payload);
      const result = await runCli(['ci'], { cwd: repo.root, env });
      const label = `${eventName} ${JSON.stringify(payload)}`;
      expect(result.code, label).toBe(3);
      expect(result.stdout, label).toBe('');
      expect(result.stderr, label).toContain(`the GitHub event payload ${env.GITHUB_EVENT_PATH}`);
      expect(result.stderr, label).toContain(complaint);
      expect(result.stderr, label).not.toContain('checking');
      expect(result.stderr, label).not.toContain('internal error');
    }
    for (const variables of [
      { CI_MERGE_REQUEST_DIFF_BASE_SHA: 'main', CI_COMMIT_SHA: featureTip },
      { CI_COMMIT_BEFORE_SHA: `${mainTip}^`, CI_COMMIT_SHA: featureTip },
      { CI_COMMIT_BEFORE_SHA: mainTip, CI_COMMIT_SHA: '--output=x' },
    ]) {
      const result = await runCli(['ci'], { cwd: repo.root, env: gitlabEnv(variables) });
      const label = JSON.stringify(variables);
      expect(result.code, label).toBe(3);
      expect(result.stderr, label).toMatch(/CI_[A-Z_]+ is ".*", not a commit sha/);
      expect(result.stderr, label).not.toContain('checking');
    }
  });

  it('passes with nothing to enforce when there is no lock directory, and fails with --require-store', async () => {
    const repo = makeCiRepo();
    const running = path.join(repo.root, '.loops', '.running');
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip));

    const result = await runCli(['ci'], { cwd: repo.root, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `scopeguard: no lock directory at ${running}, so there is nothing to enforce here.`,
    );

    const required = await runCli(['ci', '--require-store'], { cwd: repo.root, env });
    expect(required.code).toBe(3);
    expect(required.stdout).toBe('');
    expect(required.stderr).toContain('nothing to enforce here');
    expect(required.stderr).toContain('failing because of --require-store');
    expect(existsSync(path.join(repo.root, '.loops'))).toBe(false);

    // A mistyped --base fails even with nothing to enforce.
    const typo = await runCli(['ci', '--base', 'nope'], { cwd: repo.root, env: noCiEnv() });
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain('"nope" does not name a commit');

    // Later steps still get their output, and GitLab's artifact upload still finds its report.
    const scratch = makeTempDir();
    const outputs = path.join(scratch, 'output');
    const summary = path.join(scratch, 'summary.md');
    const withFiles = githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip), {
      GITHUB_OUTPUT: outputs,
      GITHUB_STEP_SUMMARY: summary,
    });
    expect((await runCli(['ci'], { cwd: repo.root, env: withFiles })).code).toBe(0);
    expect(readFileSync(outputs, 'utf8')).toBe('conflicts=0\n');
    expect(readFileSync(summary, 'utf8')).toContain('Nothing to enforce');
    const gitlab = await runCli(['ci'], {
      cwd: repo.root,
      env: gitlabEnv({
        CI_COMMIT_SHA: repo.featureTip,
        CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.mainTip,
      }),
    });
    expect(gitlab.code).toBe(0);
    expect(
      JSON.parse(readFileSync(path.join(repo.root, 'gl-code-quality-report.json'), 'utf8')),
    ).toEqual([]);
  });

  it('outside CI uses origin/HEAD, and without it asks for --base', async () => {
    const repo = makeCiRepo();
    await holdLock(repo.root, 'refactor', ['src']);

    const fromRemote = await runCli(['ci'], { cwd: repo.root, env: noCiEnv() });
    expect(fromRemote.code, fromRemote.stderr).toBe(1);
    // default format outside CI: text, no workflow commands
    expect(fromRemote.stdout).toContain('2 files changed in the range inside scopes held');
    expect(runnerCommands(fromRemote.stdout)).toEqual([]);
    expect(fromRemote.stderr).toContain(
      `scopeguard: checking origin/main...HEAD (base is the default branch origin/main)\n`,
    );

    git(repo.root, 'remote', 'set-head', 'origin', '--delete');
    for (const env of [
      noCiEnv(),
      // a GitHub push of a new branch whose payload names no default branch
      githubEnv('push', { before: zeroSha, after: repo.featureTip }),
    ]) {
      const result = await runCli(['ci'], { cwd: repo.root, env });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('cannot tell which commits to check');
      expect(result.stderr).toContain('Pass --base REF (and --head REF).');
    }
  });
});
