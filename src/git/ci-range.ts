import { readFileSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { runGit } from './run-git.js';

export type CiPlatform = 'github' | 'gitlab' | 'other';

/** The range a CI run should check, and why, in words for the log. */
export interface CiRange {
  platform: CiPlatform;
  base: string;
  head: string;
  reason: string;
}

const zeroSha = /^0+$/;

/** Which CI system the environment belongs to. */
export function detectCiPlatform(env: NodeJS.ProcessEnv): CiPlatform {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  return 'other';
}

/**
 * Work out base and head: `--base`/`--head` when given; otherwise from the GitHub event payload or
 * GitLab's variables; otherwise the remote's default branch against HEAD.
 */
export async function resolveCiRange(
  flags: { base?: string; head?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<CiRange> {
  const platform = detectCiPlatform(env);
  if (flags.base !== undefined) {
    return { platform, base: flags.base, head: flags.head ?? 'HEAD', reason: 'from --base/--head' };
  }
  const found =
    platform === 'github' ? fromGitHub(env) : platform === 'gitlab' ? fromGitLab(env) : undefined;
  const head = flags.head ?? found?.head ?? 'HEAD';
  if (found?.base) return { platform, base: found.base, head, reason: found.reason };
  const defaultBranch = found?.defaultBranch ?? (await remoteDefaultBranch(cwd, env));
  if (!defaultBranch) {
    throw new EnvironmentError(
      'cannot tell which commits to check: no CI event names a base, and the remote has no default ' +
        'branch here (refs/remotes/origin/HEAD). Pass --base REF (and --head REF).',
      'no-base',
    );
  }
  const why = found?.reason ? `${found.reason}; ` : '';
  return {
    platform,
    base: defaultBranch,
    head,
    reason: `${why}base is the default branch ${defaultBranch}`,
  };
}

interface Found {
  base?: string;
  head?: string;
  defaultBranch?: string;
  reason: string;
}

interface GitHubEvent {
  before?: string;
  after?: string;
  forced?: boolean;
  pull_request?: { base?: { sha?: string }; head?: { sha?: string } };
  merge_group?: { base_sha?: string; head_sha?: string };
  repository?: { default_branch?: string };
}

function fromGitHub(env: NodeJS.ProcessEnv): Found {
  const name = env.GITHUB_EVENT_NAME ?? 'unknown';
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const defaultBranch = event.repository?.default_branch
    ? `origin/${event.repository.default_branch}`
    : undefined;
  if (
    (name === 'pull_request' || name === 'pull_request_target') &&
    event.pull_request?.base?.sha
  ) {
    // The checkout may be GitHub's merge commit; the pull request's own head is what it changes.
    return {
      base: event.pull_request.base.sha,
      head: event.pull_request.head?.sha ?? env.GITHUB_SHA,
      reason: `GitHub ${name} event: the pull request's base and head`,
    };
  }
  if (name === 'merge_group' && event.merge_group?.base_sha) {
    return {
      base: event.merge_group.base_sha,
      head: event.merge_group.head_sha,
      reason: 'GitHub merge_group event',
    };
  }
  // After a forced push `before` is no longer an ancestor and may be gone from the clone.
  if (name === 'push' && event.before && !zeroSha.test(event.before) && !event.forced) {
    return {
      base: event.before,
      head: event.after ?? env.GITHUB_SHA,
      reason: 'GitHub push event: before..after',
    };
  }
  if (name === 'push') {
    const what = event.forced ? 'forced push' : 'push of a new branch (before is all zeros)';
    return { head: event.after ?? env.GITHUB_SHA, defaultBranch, reason: `GitHub ${what}` };
  }
  return { head: env.GITHUB_SHA, defaultBranch, reason: `GitHub ${name} event names no base` };
}

function readEvent(file: string | undefined): GitHubEvent {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as GitHubEvent;
  } catch (error) {
    throw new EnvironmentError(
      `cannot read the GitHub event payload ${file}: ${(error as Error).message}`,
      'bad-event',
    );
  }
}

function fromGitLab(env: NodeJS.ProcessEnv): Found {
  const head = env.CI_COMMIT_SHA;
  const defaultBranch = env.CI_DEFAULT_BRANCH ? `origin/${env.CI_DEFAULT_BRANCH}` : undefined;
  if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA) {
    // In a merged results pipeline CI_COMMIT_SHA is GitLab's merge of source into target, which
    // also carries the target's newer commits; the source branch's own head is what the merge
    // request changes (the variable is set only in those pipelines).
    return {
      base: env.CI_MERGE_REQUEST_DIFF_BASE_SHA,
      head: env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || head,
      reason: 'GitLab merge request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA',
    };
  }
  const before = env.CI_COMMIT_BEFORE_SHA;
  if (before && !zeroSha.test(before)) {
    return { base: before, head, reason: 'GitLab branch pipeline: CI_COMMIT_BEFORE_SHA' };
  }
  return { head, defaultBranch, reason: 'GitLab pipeline without a previous commit (new branch)' };
}

async function remoteDefaultBranch(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const result = await runGit(
    ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'],
    cwd,
    env,
  );
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}
