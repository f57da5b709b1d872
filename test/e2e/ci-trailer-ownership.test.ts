import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { binPath, runCli } from '../support/cli.js';
import { githubEnv, pullRequestEvent, sha } from '../support/ci-repo.js';
import { clones } from '../support/clones.js';
import { commit, commitEnv, initGuard, writeFiles } from '../support/commit-repo.js';
import { pgAvailable, pgUrl, uniqueName } from '../support/postgres.js';
import { killHard, startIdleProcess, track } from '../support/processes.js';
import { git, makeTempDir } from '../support/temp-dir.js';

interface CiJson {
  ok: boolean;
  conflicts: { file: string; lock: { instance: string; lease?: { token: string } } }[];
  ownByTrailer: { file: string; trailer: string; commits: string[] }[];
}

/** A shared store namespace of its own, as the environment names it to every command and hook. */
function sharedStore() {
  const namespace = uniqueName('trailer');
  return { namespace, env: { SCOPEGUARD_STORE: pgUrl, SCOPEGUARD_NAMESPACE: namespace } };
}

/** `ci` in the runner clone on the pull request base..head, as GitHub Actions runs it. */
async function checkPullRequest(
  runner: string,
  base: string,
  head: string,
  storeEnv: NodeJS.ProcessEnv,
) {
  git(runner, 'fetch', '-q', 'origin', head);
  const summary = path.join(makeTempDir('scopeguard-summary-'), 'summary.md');
  const event = pullRequestEvent(base, head);
  const github = await runCli(['ci'], {
    cwd: runner,
    env: githubEnv('pull_request', event, { ...storeEnv, GITHUB_STEP_SUMMARY: summary }),
  });
  const json = await runCli(['ci', '--format', 'json'], {
    cwd: runner,
    env: githubEnv('pull_request', event, storeEnv),
  });
  return {
    github,
    summary: readFileSync(summary, 'utf8'),
    report: JSON.parse(json.stdout) as CiJson,
    jsonCode: json.code,
  };
}

/** The Scope-Lock trailer values of a commit. */
function trailersOf(cwd: string, ref: string): string[] {
  return git(cwd, 'log', '-1', '--format=%(trailers:key=Scope-Lock,valueonly)', ref)
    .split('\n')
    .filter(Boolean);
}

// Each test is a whole scenario of a dozen git and scopeguard processes across two clones.
const scenarioTimeout = 180_000;

describe.skipIf(!pgAvailable)("ci excuses the lock holder's own commits by their trailers", () => {
  it(
    'a loop commits under `scopeguard run` in one clone: its pull request passes ci in another, with the excuse shown; a commit from outside the lock is blocked',
    async () => {
      const [loop, runner] = clones(2).clones as [string, string];
      const store = sharedStore();
      await initGuard(loop);
      git(loop, 'checkout', '-q', '-b', 'feature');
      const base = sha(loop, 'HEAD');

      // The loop: three commits into its own scope, pushed, then it keeps its lock until told.
      const release = path.join(makeTempDir('scopeguard-release-'), 'release');
      const script =
        'for i in 1 2 3; do echo "step $i" >> src/a.ts && git commit -qam "step $i" || exit 1; done; ' +
        `git push -q origin feature && echo pushed && while [ ! -e '${release}' ]; do sleep 0.1; done`;
      const holder = track(
        spawn(
          process.execPath,
          [binPath, 'run', '--name', 'api', '--scope', 'src', '--', 'sh', '-c', script],
          { cwd: loop, env: commitEnv(store.env), stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      let stderr = '';
      holder.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => holder.on('close', resolve));
      for await (const line of createInterface({ input: holder.stdout }))
        if (line === 'pushed') break;

      const head = sha(loop, 'feature');
      const [trailer] = trailersOf(loop, head);
      expect(trailer, stderr).toMatch(new RegExp(`^${store.namespace}/api-\\S+#[1-9][0-9]*$`));
      for (const ref of [head, `${head}~1`, `${head}~2`])
        expect(trailersOf(loop, ref)).toEqual([trailer]);

      const own = await checkPullRequest(runner, base, head, store.env);
      expect(own.github.code, own.github.stderr).toBe(0);
      expect(own.github.stdout).toContain(`Scope-Lock: ${trailer}`);
      expect(own.github.stdout).toContain('src/a.ts');
      expect(own.github.stdout).not.toContain('::error');
      expect(own.summary).toContain("#### Excused as the holder's own work");
      expect(own.summary).toContain(`| \`src/a.ts\` | \`api\` | \`Scope-Lock: ${trailer}\` | 3 |`);
      expect(own.jsonCode).toBe(0);
      expect(own.report.conflicts).toEqual([]);
      expect(own.report.ownByTrailer).toMatchObject([{ file: 'src/a.ts', trailer }]);
      expect(own.report.ownByTrailer[0]!.commits).toHaveLength(3);

      // The same change, one more commit made by a process outside the lock (no hook, no trailer).
      git(runner, 'checkout', '-q', head);
      writeFiles(runner, { 'src/a.ts': 'from outside the lock\n' });
      git(runner, 'commit', '-qam', 'outside the lock');
      git(runner, 'push', '-q', 'origin', 'HEAD:feature');
      const intruded = await checkPullRequest(runner, base, sha(runner, 'HEAD'), store.env);
      expect(intruded.github.code, intruded.github.stderr).toBe(1);
      expect(intruded.github.stdout).toContain('::error file=src/a.ts,');
      expect(intruded.report.ownByTrailer).toEqual([]);
      expect(intruded.report.conflicts.map((conflict) => conflict.file)).toEqual(['src/a.ts']);

      writeFiles(path.dirname(release), { release: '' });
      expect(await exited, stderr).toBe(0);
    },
    scenarioTimeout,
  );

  it(
    'a trailer with the token of a lost lease does not excuse the change once the lock is granted again',
    async () => {
      const [loop, runner] = clones(2).clones as [string, string];
      const store = sharedStore();
      const acquire = async (pid: number) => {
        const held = await runCli(
          ['locks', 'acquire', '--name', 'api', '--instance', 'api-1', '--scope', 'src'].concat([
            '--pid',
            String(pid),
            '--format',
            'json',
          ]),
          { cwd: loop, env: store.env },
        );
        expect(held.code, held.stderr).toBe(0);
        return (JSON.parse(held.stdout) as { lease: { token: string } }).lease.token;
      };
      const first = startIdleProcess();
      const firstToken = await acquire(first.pid);
      await initGuard(loop);
      git(loop, 'checkout', '-q', '-b', 'feature');
      const base = sha(loop, 'HEAD');
      writeFiles(loop, { 'src/a.ts': 'by the holder\n' });
      git(loop, 'add', 'src/a.ts');
      const made = await commit(loop, 'holder work', [], { ...store.env, SCOPEGUARD_AS: 'api-1' });
      expect(made.code, made.output).toBe(0);
      const head = sha(loop, 'HEAD');
      expect(trailersOf(loop, head)).toEqual([`${store.namespace}/api-1#${firstToken}`]);
      git(loop, 'push', '-q', 'origin', 'feature');

      // While that grant lasts, the trailer names it.
      const current = await checkPullRequest(runner, base, head, store.env);
      expect(current.github.code, current.github.stderr).toBe(0);
      expect(current.report.ownByTrailer).toMatchObject([{ file: 'src/a.ts' }]);

      // The holder dies, its lease goes, and the same lock is granted to another holder.
      await killHard(first);
      const secondToken = await acquire(startIdleProcess().pid);
      expect(BigInt(secondToken)).toBeGreaterThan(BigInt(firstToken));

      const stale = await checkPullRequest(runner, base, head, store.env);
      expect(stale.github.code, stale.github.stderr).toBe(1);
      expect(stale.github.stdout).toContain('::error file=src/a.ts,');
      expect(stale.report.ownByTrailer).toEqual([]);
      expect(stale.report.conflicts).toMatchObject([
        { file: 'src/a.ts', lock: { instance: 'api-1', lease: { token: secondToken } } },
      ]);
    },
    scenarioTimeout,
  );
});
