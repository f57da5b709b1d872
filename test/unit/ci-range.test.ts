import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCiPlatform, resolveCiRange } from '../../src/git/ci-range.js';
import { makeTempDir } from '../support/temp-dir.js';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const c = 'c'.repeat(40);
const d = 'd'.repeat(64);
const zeros = '0'.repeat(40);

type Env = () => NodeJS.ProcessEnv;

/**
 * The environment of a GitHub job whose event payload is `event`, made when the case runs: the
 * payload file lives in a temporary folder removed after each test.
 */
function github(name: string, event: unknown, extra: NodeJS.ProcessEnv = {}): Env {
  return () => {
    const file = path.join(makeTempDir(), 'event.json');
    writeFileSync(file, typeof event === 'string' ? event : JSON.stringify(event));
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: name,
      GITHUB_EVENT_PATH: file,
      GITHUB_SHA: c,
      ...extra,
    };
  };
}

const gitlab =
  (env: NodeJS.ProcessEnv): Env =>
  () => ({ GITLAB_CI: 'true', CI_COMMIT_SHA: c, ...env });
const local: Env = () => ({});

const repository = { default_branch: 'trunk' };

// Every case names its base, or a default branch the CI system gives: none asks git, so the
// working directory is never used.
const cwd = '/nonexistent';

describe('the range a CI run checks', () => {
  it.each([
    [
      '--base and --head win over the event',
      { base: 'v1', head: 'v2' },
      github('push', { before: a, after: b }),
      ['v1', 'v2', 'from --base/--head'],
    ],
    ['--base alone checks up to HEAD', { base: 'v1' }, local, ['v1', 'HEAD', 'from --base/--head']],
    [
      'a pull request: its base and its own head',
      {},
      github('pull_request', { pull_request: { base: { sha: a }, head: { sha: b } } }),
      [a, b, "GitHub pull_request event: the pull request's base and head"],
    ],
    [
      'pull_request_target without a head sha: GITHUB_SHA',
      {},
      github('pull_request_target', { pull_request: { base: { sha: a } } }),
      [a, c, "GitHub pull_request_target event: the pull request's base and head"],
    ],
    [
      'a merge group',
      {},
      github('merge_group', { merge_group: { base_sha: a, head_sha: d } }),
      [a, d, 'GitHub merge_group event'],
    ],
    [
      'a push: before..after',
      {},
      github('push', { before: a, after: b }),
      [a, b, 'GitHub push event: before..after'],
    ],
    [
      '--head overrides the pushed head',
      { head: 'mine' },
      github('push', { before: a, after: b }),
      [a, 'mine', 'GitHub push event: before..after'],
    ],
    [
      'a forced push: the default branch',
      {},
      github('push', { before: a, after: b, forced: true, repository }),
      ['origin/trunk', b, 'GitHub forced push; base is the default branch origin/trunk'],
    ],
    [
      'a new branch: the default branch',
      {},
      github('push', { before: zeros, after: b, repository }),
      [
        'origin/trunk',
        b,
        'GitHub push of a new branch (before is all zeros); base is the default branch origin/trunk',
      ],
    ],
    [
      'an event without a base',
      {},
      github('workflow_dispatch', { repository }),
      [
        'origin/trunk',
        c,
        'GitHub workflow_dispatch event names no base; base is the default branch origin/trunk',
      ],
    ],
    [
      'a merge request: the diff base and the source head',
      {},
      gitlab({ CI_MERGE_REQUEST_DIFF_BASE_SHA: a, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: b }),
      [a, b, 'GitLab merge request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA'],
    ],
    [
      'a merge request without the source head',
      {},
      gitlab({ CI_MERGE_REQUEST_DIFF_BASE_SHA: a }),
      [a, c, 'GitLab merge request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA'],
    ],
    [
      'a branch pipeline: the previous commit',
      {},
      gitlab({ CI_COMMIT_BEFORE_SHA: a }),
      [a, c, 'GitLab branch pipeline: CI_COMMIT_BEFORE_SHA'],
    ],
    [
      'a new GitLab branch: the default branch',
      {},
      gitlab({ CI_COMMIT_BEFORE_SHA: zeros, CI_DEFAULT_BRANCH: 'main' }),
      [
        'origin/main',
        c,
        'GitLab pipeline without a previous commit (new branch); base is the default branch origin/main',
      ],
    ],
  ])('%s', async (_case, flags, makeEnv, [base, head, reason]) => {
    const env = makeEnv();
    expect(await resolveCiRange(flags, env, cwd)).toEqual({
      platform: detectCiPlatform(env),
      base,
      head,
      reason,
    });
  });

  it.each([
    [
      'a CI variable that is not a sha',
      gitlab({ CI_COMMIT_BEFORE_SHA: 'HEAD~1' }),
      /CI_COMMIT_BEFORE_SHA is "HEAD~1", not a commit sha/,
      'bad-ci-variable',
    ],
    [
      'GITHUB_SHA that is not a sha',
      github('workflow_dispatch', {}, { GITHUB_SHA: '--help' }),
      /GITHUB_SHA is "--help", not a commit sha/,
      'bad-ci-variable',
    ],
    [
      'an event payload that is not JSON',
      github('push', '{'),
      /cannot read the GitHub event payload/,
      'bad-event',
    ],
    [
      'an event payload that is not an object',
      github('push', [1]),
      /holds \[1\], not a JSON object/,
      'bad-event',
    ],
    [
      'a sha of the wrong shape',
      github('push', { before: 'main', after: b }),
      /before is "main", not a commit sha/,
      'bad-event',
    ],
    [
      'a key inside a non-object',
      github('pull_request', { pull_request: 'x' }),
      /pull_request\.base\.sha is inside "x", not an object/,
      'bad-event',
    ],
    [
      'forced that is not a boolean',
      github('push', { before: a, after: b, forced: 'yes' }),
      /forced is "yes", not true or false/,
      'bad-event',
    ],
  ])('refuses %s (exit 3, naming it)', async (_case, makeEnv, message, code) => {
    const resolving = resolveCiRange({}, makeEnv(), cwd);
    await expect(resolving).rejects.toThrow(message);
    await expect(resolving).rejects.toMatchObject({ exitCode: 3, code });
  });

  it.each([
    [{ GITHUB_ACTIONS: 'true' }, 'github'],
    [{ GITLAB_CI: 'true' }, 'gitlab'],
    [{ GITHUB_ACTIONS: 'false', CI: 'true' }, 'other'],
    [{}, 'other'],
  ])('detects the platform of %j as %s', (env, platform) => {
    expect(detectCiPlatform(env)).toBe(platform);
  });
});
