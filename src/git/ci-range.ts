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

const commitSha = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;

/** A commit sha from a CI variable, checked to be one before anything uses or prints it. */
function shaVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (!commitSha.test(value)) {
    throw new EnvironmentError(
      `${name} is ${JSON.stringify(value)}, not a commit sha (40 or 64 hex digits); the CI ` +
        'system sets it, so check that nothing in the job overrides it.',
      'bad-ci-variable',
    );
  }
  return value;
}

function fromGitHub(env: NodeJS.ProcessEnv): Found {
  const name = env.GITHUB_EVENT_NAME ?? 'unknown';
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const branch = event.string('repository.default_branch');
  const defaultBranch = branch ? `origin/${branch}` : undefined;
  const githubSha = () => shaVariable(env, 'GITHUB_SHA');
  if (name === 'pull_request' || name === 'pull_request_target') {
    const base = event.sha('pull_request.base.sha');
    // The checkout may be GitHub's merge commit; the pull request's own head is what it changes.
    if (base) {
      return {
        base,
        head: event.sha('pull_request.head.sha') ?? githubSha(),
        reason: `GitHub ${name} event: the pull request's base and head`,
      };
    }
  }
  if (name === 'merge_group') {
    const base = event.sha('merge_group.base_sha');
    if (base) {
      return { base, head: event.sha('merge_group.head_sha'), reason: 'GitHub merge_group event' };
    }
  }
  if (name === 'push') {
    const before = event.sha('before');
    const forced = event.boolean('forced');
    const head = event.sha('after') ?? githubSha();
    // After a forced push `before` is no longer an ancestor and may be gone from the clone.
    if (before && !zeroSha.test(before) && !forced) {
      return { base: before, head, reason: 'GitHub push event: before..after' };
    }
    const what = forced ? 'forced push' : 'push of a new branch (before is all zeros)';
    return { head, defaultBranch, reason: `GitHub ${what}` };
  }
  return { head: githubSha(), defaultBranch, reason: `GitHub ${name} event names no base` };
}

/** Typed reads from the GitHub event payload; a value of the wrong shape names its key and file. */
interface GitHubEvent {
  sha(key: string): string | undefined;
  string(key: string): string | undefined;
  boolean(key: string): boolean | undefined;
}

function readEvent(file: string | undefined): GitHubEvent {
  let payload: unknown = {};
  if (file) {
    try {
      payload = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new EnvironmentError(
        `cannot read the GitHub event payload ${file}: ${(error as Error).message}`,
        'bad-event',
      );
    }
  }
  const wrong = (what: string) =>
    new EnvironmentError(
      `the GitHub event payload ${file} is not what GitHub writes: ${what}. Check GITHUB_EVENT_PATH.`,
      'bad-event',
    );
  if (!isObject(payload)) throw wrong(`it holds ${JSON.stringify(payload)}, not a JSON object`);
  const get = (key: string): unknown => {
    let value: unknown = payload;
    for (const part of key.split('.')) {
      if (value === undefined || value === null) return undefined;
      if (!isObject(value)) throw wrong(`${key} is inside ${JSON.stringify(value)}, not an object`);
      value = value[part];
    }
    return value ?? undefined;
  };
  const typed = <T>(key: string, accept: (value: unknown) => value is T, shape: string) => {
    const value = get(key);
    if (value === undefined || accept(value)) return value;
    throw wrong(`${key} is ${JSON.stringify(value)}, not ${shape}`);
  };
  return {
    sha: (key) => typed(key, isSha, 'a commit sha (40 or 64 hex digits)'),
    string: (key) => typed(key, (value) => typeof value === 'string', 'a string'),
    boolean: (key) => typed(key, (value) => typeof value === 'boolean', 'true or false'),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSha(value: unknown): value is string {
  return typeof value === 'string' && commitSha.test(value);
}

function fromGitLab(env: NodeJS.ProcessEnv): Found {
  const head = shaVariable(env, 'CI_COMMIT_SHA');
  const defaultBranch = env.CI_DEFAULT_BRANCH ? `origin/${env.CI_DEFAULT_BRANCH}` : undefined;
  const diffBase = shaVariable(env, 'CI_MERGE_REQUEST_DIFF_BASE_SHA');
  if (diffBase) {
    // In a merged results pipeline CI_COMMIT_SHA is GitLab's merge of source into target, which
    // also carries the target's newer commits; the source branch's own head is what the merge
    // request changes (the variable is set only in those pipelines).
    return {
      base: diffBase,
      head: shaVariable(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_SHA') ?? head,
      reason: 'GitLab merge request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA',
    };
  }
  const before = shaVariable(env, 'CI_COMMIT_BEFORE_SHA');
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
