import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubEnv, gitlabEnv, makeCiRepo, noCiEnv, pullRequestEvent } from '../support/ci-repo.js';
import { runCli } from '../support/cli.js';
import { startIdleProcess } from '../support/processes.js';
import { rawControl } from '../support/raw-control.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runnerCommands } from '../support/workflow-commands.js';

// Text that would drive a terminal or a CI log if printed raw: an OSC 8 hyperlink and a screen
// clear in the loop name, a C1 CSI and a bidi override in the host, a carriage return and a
// workflow command in the instance (the record's file name).
const loopName = '\u001b]8;;https://evil.example\u0007click me\u001b]8;;\u0007\u001b[2J';
const host = 'build\u009b31m-1\u202e';
const instance = 'evil\r::error title=forged::instance';

/** A record as another writer (Python, or anything) leaves it, held by a live process. */
function writeHostileRecord(root: string, scope: string): number {
  const pid = startIdleProcess().pid;
  const dir = path.join(root, '.loops', '.running');
  mkdirSync(dir, { recursive: true });
  const started = new Date().toISOString().replace('Z', '000+00:00');
  writeFileSync(
    path.join(dir, `${instance}.lock`),
    JSON.stringify({ loop_name: loopName, scope: [scope], pid, started_at: started, host }),
  );
  return pid;
}

describe('text from records, file names and the CI event is printed escaped', () => {
  it('locks list: the table shows hostile fields escaped, the JSON keeps them exactly', async () => {
    const repo = makeCiRepo();
    const pid = writeHostileRecord(repo.root, path.join(repo.root, 'src'));

    const list = await runCli(['locks', 'list'], { cwd: repo.root, env: noCiEnv() });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout + list.stderr).not.toMatch(rawControl);
    expect(list.stdout).toContain(JSON.stringify(loopName));
    expect(list.stdout).toContain('"build\\u009b31m-1\\u202e"');
    expect(list.stdout).toContain(String(pid));
    expect(runnerCommands(list.stdout + list.stderr)).toEqual([]);

    const json = await runCli(['locks', 'list', '--json'], { cwd: repo.root, env: noCiEnv() });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(rawControl);
    const document = JSON.parse(json.stdout);
    expect(document.locks).toMatchObject([{ instance, loop_name: loopName, host, pid }]);
  });

  it('check, and ci in every format: reports and messages carry no raw control characters or workflow commands', async () => {
    const repo = makeCiRepo();
    writeHostileRecord(repo.root, path.join(repo.root, 'src'));

    const check = await runCli(['check', 'src/a.ts'], { cwd: repo.root, env: noCiEnv() });
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toContain(
      `loop ${JSON.stringify(loopName)} (instance "evil\\r::error title=forged::instance", pid`,
    );
    expect(check.stdout + check.stderr).not.toMatch(rawControl);

    const dir = makeTempDir('scopeguard-gh-files-');
    const summary = path.join(dir, 'summary.md');
    const github = await runCli(['ci'], {
      cwd: repo.root,
      env: githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip), {
        GITHUB_STEP_SUMMARY: summary,
      }),
    });
    expect(github.code, github.stderr).toBe(1);
    expect(github.stdout + github.stderr).not.toMatch(rawControl);
    // only scopeguard's own annotations, one per conflicting file
    expect(runnerCommands(github.stdout).map((command) => command.command)).toEqual([
      'error',
      'error',
    ]);
    expect(runnerCommands(github.stderr)).toEqual([]);
    expect(readFileSync(summary, 'utf8')).not.toMatch(rawControl);

    for (const format of ['text', 'json', 'gitlab']) {
      const result = await runCli(['ci', '--format', format], {
        cwd: repo.root,
        env: gitlabEnv({
          CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.branchPoint,
          CI_COMMIT_SHA: repo.featureTip,
        }),
      });
      expect(result.code, `${format}: ${result.stderr}`).toBe(1);
      expect(result.stdout + result.stderr, format).not.toMatch(rawControl);
    }
    const quality = readFileSync(path.join(repo.root, 'gl-code-quality-report.json'), 'utf8');
    expect(quality).not.toMatch(rawControl);
    expect(JSON.parse(quality)[0].description).toContain(JSON.stringify(loopName));
  });

  it('a lock directory named by a committed configuration is shown escaped', async () => {
    const repo = makeCiRepo();
    writeFileSync(
      path.join(repo.root, '.scopeguardrc.json'),
      JSON.stringify({ loopsDir: '.loops\u001b[2J\u009b' }),
    );
    for (const args of [['doctor'], ['locks', 'list'], ['check', 'src/a.ts']]) {
      const result = await runCli(args, { cwd: repo.root, env: noCiEnv() });
      expect(result.stdout + result.stderr, args.join(' ')).toContain('.loops\\u001b[2J\\u009b');
      expect(result.stdout + result.stderr, args.join(' ')).not.toMatch(rawControl);
    }
  });

  it('ci --format github with no findings: an unreadable record named like a workflow command prints none', async () => {
    const repo = makeCiRepo();
    const dir = path.join(repo.root, '.loops', '.running');
    mkdirSync(dir, { recursive: true });
    const name = 'x\n::error title=injected::a lock file name.lock';
    writeFileSync(path.join(dir, name), 'not json');
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip));

    const result = await runCli(['ci'], { cwd: repo.root, env });
    expect(result.code, result.stderr).toBe(0);
    expect(runnerCommands(result.stdout)).toEqual([]);
    expect(runnerCommands(result.stderr)).toEqual([]);
    expect(result.stderr).toContain(
      `cannot read lock record ${JSON.stringify(path.join(dir, name))}: not valid JSON`,
    );
  });

  it('ci checks the base and head a CI event names before printing them', async () => {
    const repo = makeCiRepo();
    mkdirSync(path.join(repo.root, '.loops', '.running'), { recursive: true });
    const forged = `${repo.mainTip}\n::error title=forged::the base sha`;

    const github = await runCli(['ci'], {
      cwd: repo.root,
      env: githubEnv('pull_request', pullRequestEvent(forged, repo.featureTip)),
    });
    expect(github.code, github.stderr).toBe(3);
    expect(github.stderr).not.toContain('checking');
    expect(runnerCommands(github.stdout + github.stderr)).toEqual([]);
    expect(github.stderr).toContain(`${JSON.stringify(forged)}, not a commit sha`);

    const gitlab = await runCli(['ci'], {
      cwd: repo.root,
      env: gitlabEnv({
        CI_MERGE_REQUEST_DIFF_BASE_SHA: `${repo.branchPoint}\u001b[2J`,
        CI_COMMIT_SHA: repo.featureTip,
      }),
    });
    expect(gitlab.code, gitlab.stderr).toBe(3);
    expect(gitlab.stderr).not.toContain('checking');
    expect(gitlab.stderr).not.toMatch(rawControl);
  });

  it('error messages quote what they name, and never carry a workflow command or a C1 control', async () => {
    const repo = makeCiRepo();
    const env = githubEnv('pull_request', pullRequestEvent(repo.mainTip, repo.featureTip));
    for (const ref of ['HEAD##[error]forged', 'HEAD\u009b2J']) {
      const result = await runCli(['ci', '--base', ref], { cwd: repo.root, env });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain('does not name a commit');
      expect(runnerCommands(result.stderr)).toEqual([]);
      expect(result.stderr).not.toMatch(rawControl);
    }
  });
});
