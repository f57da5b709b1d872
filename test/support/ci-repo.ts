import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeFiles } from './commit-repo.js';
import { git, makeTempDir, makeTempRepo } from './temp-dir.js';

/** The all-zero sha GitHub and GitLab use for "no previous commit" (a new branch). */
export const zeroSha = '0'.repeat(40);

/** A repository laid out like a CI checkout: `main`, a `feature` branch, and a bare origin. */
export interface CiRepo {
  /** The working clone, on `feature`, with `origin` pushed and `origin/HEAD` -> `origin/main`. */
  root: string;
  /** The bare "origin" both branches were pushed to. */
  origin: string;
  /** main where feature branched off. */
  branchPoint: string;
  /** main after a commit of its own (touching src/b.ts) made after the branch point. */
  mainTip: string;
  /** feature's first commit: changes src/a.ts. */
  featureFirst: string;
  /** feature's second commit: adds src/new.ts, changes notes.txt. */
  featureTip: string;
}

/** The commit a ref names. */
export function sha(cwd: string, ref: string): string {
  return git(cwd, 'rev-parse', '--verify', ref).trim();
}

/**
 * Build the CI layout. feature changes `src/a.ts`, then adds `src/new.ts` and changes `notes.txt`;
 * main meanwhile changes `src/b.ts`. `.loops/` is git-ignored; no lock is taken.
 */
export function makeCiRepo(): CiRepo {
  const origin = makeTempDir('scopeguard-origin-');
  git(origin, 'init', '-q', '--bare', '-b', 'main');

  const root = makeTempRepo();
  writeFiles(root, {
    '.gitignore': '.loops/\n',
    'src/a.ts': 'a\n',
    'src/b.ts': 'b\n',
    'notes.txt': 'n\n',
  });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'baseline');
  const branchPoint = sha(root, 'HEAD');

  git(root, 'checkout', '-q', '-b', 'feature');
  writeFiles(root, { 'src/a.ts': 'feature change\n' });
  git(root, 'commit', '-qam', 'feature touches src/a.ts');
  const featureFirst = sha(root, 'HEAD');
  writeFiles(root, { 'src/new.ts': 'new\n', 'notes.txt': 'feature notes\n' });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'feature adds src/new.ts');
  const featureTip = sha(root, 'HEAD');

  // main moves on after the branch point, inside the scope the tests lock
  git(root, 'checkout', '-q', 'main');
  writeFiles(root, { 'src/b.ts': 'main change\n' });
  git(root, 'commit', '-qam', 'main touches src/b.ts');
  const mainTip = sha(root, 'HEAD');

  git(root, 'remote', 'add', 'origin', origin);
  git(root, 'push', '-q', 'origin', 'main', 'feature');
  git(root, 'remote', 'set-head', 'origin', 'main');
  git(root, 'checkout', '-q', 'feature');
  return { root, origin, branchPoint, mainTip, featureFirst, featureTip };
}

/**
 * Commit `files` on top of the current branch and push it; returns the new commit. Used for
 * variants of the layout (many files, odd names).
 */
export function commitOnFeature(repo: CiRepo, files: Record<string, string>, message: string) {
  writeFiles(repo.root, files);
  git(repo.root, 'add', '-A');
  git(repo.root, 'commit', '-qm', message);
  git(repo.root, 'push', '-q', 'origin', 'feature');
  return sha(repo.root, 'HEAD');
}

/** A merge of `other` into `base` on a detached HEAD, like GitHub's pull request merge ref. */
export function detachedMerge(cwd: string, base: string, other: string): string {
  git(cwd, 'checkout', '-q', '--detach', base);
  git(cwd, 'merge', '-q', '--no-ff', '--no-edit', other);
  return sha(cwd, 'HEAD');
}

// The CI machine running these tests may itself be GitHub Actions or GitLab CI: none of its
// variables may reach the command under test (and nothing may be appended to its real step
// summary), so every variable of either system is removed unless a test sets it.
const ciVariable = /^(GITHUB_|GITLAB_|CI_|RUNNER_)|^(CI|FORCE_COLOR|NO_COLOR)$/;

/** The environment of a run outside any CI system, plus `extra`. */
export function noCiEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const cleared: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(process.env)) if (ciVariable.test(key)) cleared[key] = undefined;
  return { ...cleared, GITHUB_ACTIONS: '', GITLAB_CI: '', ...extra };
}

/**
 * A GitHub Actions environment for an event: the payload is written to a file named by
 * GITHUB_EVENT_PATH, as the runner does.
 */
export function githubEnv(
  eventName: string,
  payload: unknown,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const eventPath = path.join(makeTempDir('scopeguard-event-'), 'event.json');
  writeFileSync(eventPath, JSON.stringify(payload));
  return noCiEnv({
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    ...extra,
  });
}

/** A GitLab CI environment with the given predefined variables. */
export function gitlabEnv(variables: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return noCiEnv({ CI: 'true', GITLAB_CI: 'true', ...variables });
}

/** A pull_request payload naming base and head commits. */
export function pullRequestEvent(base: string, head: string) {
  return {
    pull_request: { base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'feature' } },
    repository: { default_branch: 'main' },
  };
}
