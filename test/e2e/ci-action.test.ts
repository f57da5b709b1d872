import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubEnv, makeCiRepo, pullRequestEvent } from '../support/ci-repo.js';
import { repoRoot } from '../support/cli.js';
import { holdLock } from '../support/commit-repo.js';
import { isolatedEnv, makeTempDir } from '../support/temp-dir.js';

const actionDir = path.join(repoRoot, '.github', 'actions', 'scopeguard');

interface Action {
  inputs: Record<string, { default: string }>;
  runs: { steps: { run: string }[] };
}

describe('the composite action', () => {
  it('without scopeguard in the project, runs the build of its own checkout, not the npm registry', async () => {
    const action = parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as Action;
    const repo = makeCiRepo();
    const holder = await holdLock(repo.root, 'refactor', ['src']);
    const output = path.join(makeTempDir(), 'github-output');
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip), {
      GITHUB_ACTION_PATH: actionDir,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: path.join(makeTempDir(), 'summary'),
      RUNNER_TEMP: makeTempDir(),
      SCOPEGUARD_VERSION: action.inputs.version!.default,
      SCOPEGUARD_ARGS: '',
      // scopeguard is not on the registry: a step that asks it must fail here, offline
      npm_config_offline: 'true',
      PATH: [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
    });
    const step = spawnSync('bash', ['-e', '-c', action.runs.steps[0]!.run], {
      cwd: repo.root,
      env: isolatedEnv(env),
      encoding: 'utf8',
    });
    expect(step.status, step.stderr).toBe(1);
    expect(step.stdout).toContain(`loop "refactor" (pid ${holder}`);
    expect(readFileSync(output, 'utf8')).toContain('conflicts=2');
  });
});
