import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { binPath, runCli } from '../support/cli.js';
import { clones } from '../support/clones.js';
import { githubEnv, pullRequestEvent, sha } from '../support/ci-repo.js';
import { commit, commitSubjects, initGuard, writeFiles } from '../support/commit-repo.js';
import { adminQuery, pgAvailable, pgUrl, uniqueName } from '../support/postgres.js';
import { pythonAvailable, spawnPython } from '../support/python-peer.js';
import { eventually, killHard, startIdleProcess, track } from '../support/processes.js';
import { git, isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

const witness = path.resolve('test/support/pg-load-witness.mjs');
// Nothing listens on port 1: connecting is refused at once.
const unreachable = 'postgres://postgres:hunter2@127.0.0.1:1/test';

describe.skipIf(!pgAvailable)('the shared store across clones', () => {
  it('a lock taken in one clone blocks acquire, check, a commit and ci in the others', async () => {
    const [first, second, runner] = clones(3).clones as [string, string, string];
    const namespace = uniqueName('clones');
    const store = ['--store', pgUrl, '--namespace', namespace];
    const holder = startIdleProcess().pid;
    const taken = await runCli(
      [
        'locks',
        'acquire',
        ...store,
        '--format',
        'json',
        '--name',
        'refactor',
        '--scope',
        'src',
        '--pid',
        String(holder),
      ],
      { cwd: first },
    );
    expect(taken.stderr).toBe('');
    expect(taken.code).toBe(0);
    const grant = JSON.parse(taken.stdout) as {
      instance: string;
      store: string;
      lease: { token: string };
    };
    expect(grant).toMatchObject({
      instance: expect.stringMatching(/^refactor-/),
      store: 'local+shared',
    });
    expect(grant.lease.token).toMatch(/^[1-9][0-9]*$/);

    const listed = await runCli(['locks', 'list', ...store], { cwd: second });
    expect(listed.stdout).toMatch(/^STORE +LOOP/);
    expect(listed.stdout).toMatch(/\nshared +refactor +refactor-\S+ /);

    const refused = await runCli(
      [
        'locks',
        'acquire',
        ...store,
        '--name',
        'other',
        '--scope',
        'src/a.ts',
        '--pid',
        String(startIdleProcess().pid),
      ],
      {
        cwd: second,
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('"refactor"');
    expect(refused.stderr).toContain(`host ${hostname()}`);
    expect(refused.stderr).toContain('shared store');

    writeFiles(second, { 'src/a.ts': 'changed\n' });
    const checked = await runCli(['check', ...store], { cwd: second });
    expect(checked.code, checked.stderr).toBe(1);
    expect(checked.stdout + checked.stderr).toContain('src/a.ts');
    expect(
      await runCli(['check', '--store', pgUrl, '--namespace', uniqueName('other')], {
        cwd: second,
      }),
    ).toMatchObject({ code: 0 });

    await initGuard(second);
    git(second, 'add', 'src/a.ts');
    const env = { SCOPEGUARD_STORE: pgUrl, SCOPEGUARD_NAMESPACE: namespace };
    const blocked = await commit(second, 'touch src', [], env);
    expect(blocked.code, blocked.output).toBe(1);
    expect(blocked.output).toContain('refactor');
    expect(commitSubjects(second)).toEqual(['baseline']);

    // The runner: a pull request changing src/a.ts, checked without any lock directory.
    const base = sha(runner, 'HEAD');
    writeFiles(runner, { 'src/a.ts': 'from the pull request\n' });
    git(runner, 'commit', '-q', '-am', 'feature');
    const head = sha(runner, 'HEAD');
    const ci = await runCli(['ci', '--format', 'text', ...store], {
      cwd: runner,
      env: githubEnv('pull_request', pullRequestEvent(base, head)),
    });
    expect(ci.code, ci.stderr).toBe(1);
    expect(ci.stdout + ci.stderr).toContain('src/a.ts');
  });
});

describe.skipIf(!pgAvailable)('ci with a shared store', () => {
  it('checks the range even before any lock was taken, so a shallow clone fails with its fix', async () => {
    const { origin } = clones(0);
    const base = sha(origin, 'HEAD');
    writeFiles(origin, { 'src/a.ts': 'from the pull request\n' });
    git(origin, 'commit', '-q', '-am', 'feature');
    const head = sha(origin, 'HEAD');
    const shallow = path.join(makeTempDir(), 'shallow');
    git(origin, 'clone', '-q', '--depth', '1', `file://${origin}`, shallow);
    const result = await runCli(
      ['ci', '--format', 'text', '--store', pgUrl, '--namespace', uniqueName('fresh')],
      { cwd: shallow, env: githubEnv('pull_request', pullRequestEvent(base, head)) },
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('fetch-depth: 0');
  });
});

describe.skipIf(!pgAvailable)('run with a shared store', () => {
  it('exports the fencing token; a holder stopped past its TTL loses the lease, and on SIGCONT run stops its command (exit 76)', async () => {
    const [first, second] = clones(2).clones as [string, string];
    const namespace = uniqueName('run');
    writeFiles(first, { '.scopeguardrc.json': JSON.stringify({ namespace, leaseTtl: 3 }) });
    const out = path.join(makeTempDir(), 'out');
    const script =
      'echo "$SCOPEGUARD_FENCING_TOKEN" > "$0.token"; trap \'echo terminated > "$0"; exit 0\' TERM; while :; do sleep 0.2; done';
    const child = track(
      spawn(
        process.execPath,
        [
          binPath,
          'run',
          '--store',
          pgUrl,
          '--name',
          'long',
          '--scope',
          'src',
          '--',
          'sh',
          '-c',
          script,
          out,
        ],
        { cwd: first, env: isolatedEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
      ),
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const token = await eventually(() => {
      const text = existsSync(`${out}.token`) ? readFileSync(`${out}.token`, 'utf8').trim() : '';
      return text === '' ? undefined : text;
    });
    expect(token).toMatch(/^[1-9][0-9]*$/);

    const store = ['--store', pgUrl, '--namespace', namespace];
    const taker = startIdleProcess().pid;
    const early = await runCli(
      ['locks', 'acquire', ...store, '--name', 'next', '--scope', 'src', '--pid', String(taker)],
      { cwd: second },
    );
    expect(early.code, early.stderr).toBe(1);

    child.kill('SIGSTOP');
    try {
      await eventually(async () => {
        const taken = await runCli(
          [
            'locks',
            'acquire',
            ...store,
            '--name',
            'next',
            '--scope',
            'src',
            '--pid',
            String(taker),
          ],
          { cwd: second },
        );
        return taken.code === 0 ? true : undefined;
      }, 20_000);
    } finally {
      child.kill('SIGCONT');
    }
    expect(await exited).toBe(76);
    expect(stderr).toMatch(/lost the lock long-\S+ in the shared store/);
    expect(readFileSync(out, 'utf8')).toBe('terminated\n');
  });
});

describe.skipIf(!pgAvailable)('store migrate, store status and doctor', () => {
  it('migrate, then show server (masked), namespace, schema version, live leases and TTL', async () => {
    const [clone] = clones(1).clones as [string];
    const namespace = uniqueName('status');
    const url = pgUrl.replace('postgres@', 'postgres:s3cret@');
    const store = ['--store', url, '--namespace', namespace];
    const migrated = await runCli(['store', 'migrate', ...store], { cwd: clone });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(
      /schema of postgres:\/\/postgres:\*\*\*@.* (is up to date|from version)/,
    );

    const holder = startIdleProcess().pid;
    const taken = await runCli(
      ['locks', 'acquire', ...store, '--name', 'a', '--scope', 'src', '--pid', String(holder)],
      { cwd: clone },
    );
    expect(taken.code, taken.stderr).toBe(0);
    const status = await runCli(['store', 'status', ...store], { cwd: clone });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`namespace: ${namespace}\n`);
    expect(status.stdout).toMatch(/^schema: "scopeguard" version \d+$/m);
    expect(status.stdout).toContain('live leases: 1\n');
    expect(status.stdout).toContain('lease ttl: 60 s\n');
    const doctor = await runCli(['doctor', ...store], { cwd: clone });
    expect(doctor.stdout).toContain(`shared store namespace: ${namespace}\n`);
    expect(doctor.stdout).toContain('shared store live leases: 1\n');
    for (const output of [migrated, status, doctor]) {
      expect(output.stdout + output.stderr).toContain('postgres:***@');
      expect(output.stdout + output.stderr).not.toContain('s3cret');
    }
  });

  it('store status without a shared store: exit 2 naming the settings', async () => {
    const result = await runCli(['store', 'status'], { cwd: makeTempRepo() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--store, SCOPEGUARD_STORE or "store"');
  });
});

describe.skipIf(!pgAvailable)('locks acquire --pid with a shared store', () => {
  it('a detached keeper renews the lease while the holder lives and releases it when it exits', async () => {
    const [first, second] = clones(2).clones as [string, string];
    const namespace = uniqueName('keep');
    writeFiles(first, { '.scopeguardrc.json': JSON.stringify({ namespace, leaseTtl: 3 }) });
    const holder = startIdleProcess();
    const taken = await runCli(
      [
        'locks',
        'acquire',
        '--store',
        pgUrl,
        '--name',
        'kept',
        '--scope',
        'src',
        '--pid',
        String(holder.pid),
      ],
      { cwd: first },
    );
    expect(taken.code, taken.stderr).toBe(0);
    const store = ['--store', pgUrl, '--namespace', namespace];
    const other = String(startIdleProcess().pid);
    const attempt = () =>
      runCli(['locks', 'acquire', ...store, '--name', 'other', '--scope', 'src', '--pid', other], {
        cwd: second,
      });

    // Twice the TTL later the lease still holds: the keeper renewed it.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const refused = await attempt();
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('"kept"');

    await killHard(holder);
    // Read the table itself: a reader would also reap the dead holder's lease by pid proof,
    // which only works on this machine; the keeper's release is what other machines rely on.
    await eventually(async () => {
      const rows = await adminQuery('SELECT 1 FROM scopeguard.leases WHERE namespace = $1', [
        namespace,
      ]);
      return rows.length === 0 ? true : undefined;
    }, 10_000);
    expect((await attempt()).code).toBe(0);
  });
});

describe.skipIf(!pgAvailable || !pythonAvailable)('the Python original and run --store', () => {
  it('a scope the Python original holds locally blocks run --store, which never starts its command', async () => {
    const [clone] = clones(1).clones as [string];
    const child = spawnPython(
      'import sys, time\nfrom pathlib import Path\nfrom concurrency import LockManager\n' +
        'ok = LockManager(Path(sys.argv[1])).acquire("py-loop", ["src"])\n' +
        'print("acquired" if ok else "conflict", flush=True)\ntime.sleep(300)',
      clone,
      [path.join(clone, '.loops')],
    );
    track(child);
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout! }).once('line', resolve),
    );
    expect(line).toBe('acquired');
    const namespace = uniqueName('python');
    const marker = path.join(makeTempDir(), 'ran');
    const result = await runCli(
      [
        'run',
        '--store',
        pgUrl,
        '--namespace',
        namespace,
        '--name',
        'ts',
        '--scope',
        'src/a.ts',
        '--',
        'touch',
        marker,
      ],
      { cwd: clone },
    );
    expect(result.code, result.stderr).toBe(75);
    expect(result.stderr).toContain(`loop "py-loop" (pid ${child.pid}`);
    expect(result.stderr).toContain('local store');
    expect(existsSync(marker)).toBe(false);
    // Nothing was left in the shared store.
    expect(
      await adminQuery('SELECT 1 FROM scopeguard.leases WHERE namespace = $1', [namespace]),
    ).toEqual([]);
  });
});

describe.skipIf(!pgAvailable)('a database that does not exist', () => {
  it('exit 3 naming the masked server, for check and locks acquire', async () => {
    const [clone] = clones(1).clones as [string];
    const url = pgUrl
      .replace(/\/[^/]*$/, `/${uniqueName('nodb')}`)
      .replace('postgres@', 'postgres:s3cret@');
    for (const args of [
      ['check'],
      ['locks', 'acquire', '--name', 'x', '--pid', String(startIdleProcess().pid)],
    ]) {
      const result = await runCli([...args, '--store', url, '--namespace', 'n'], { cwd: clone });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain('does not exist');
      expect(result.stderr).toContain('postgres:***@');
      expect(result.stderr).not.toContain('s3cret');
    }
  });
});

describe('an unreachable shared store', () => {
  it('lets a commit through with a loud warning after checking the lock directory (warn, the hook default)', async () => {
    const root = makeTempRepo();
    await initGuard(root);
    writeFiles(root, { 'README.md': 'r\n' });
    git(root, 'add', '-A');
    const passed = await commit(root, 'baseline', [], {
      SCOPEGUARD_STORE: unreachable,
      SCOPEGUARD_NAMESPACE: 'n',
    });
    expect(passed.code, passed.output).toBe(0);
    expect(passed.output).toContain('WARNING: the shared lock store cannot be reached');
    expect(passed.output).toContain('postgres://postgres:***@127.0.0.1:1/test');
    expect(passed.output).not.toContain('hunter2');
    expect(commitSubjects(root)).toEqual(['baseline']);
  });

  it('blocks the commit (exit 3) with "onStoreError": "block"', async () => {
    const root = makeTempRepo();
    await initGuard(root);
    writeFiles(root, {
      '.scopeguardrc.json': JSON.stringify({
        store: unreachable,
        namespace: 'n',
        onStoreError: 'block',
      }),
    });
    git(root, 'add', '-A');
    const blocked = await commit(root, 'baseline');
    expect(blocked.code, blocked.output).not.toBe(0);
    expect(blocked.output).toContain('postgres://postgres:***@127.0.0.1:1/test');
    expect(blocked.output).not.toContain('hunter2');
    expect(commitSubjects(root)).toEqual([]);
  });

  it('fails ci (exit 3): enforcement must not lapse silently there', async () => {
    const root = makeTempRepo();
    writeFiles(root, { 'README.md': 'r\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'baseline');
    const result = await runCli(
      ['ci', '--base', 'HEAD', '--store', unreachable, '--namespace', 'n'],
      {
        cwd: root,
      },
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).not.toContain('hunter2');
  });
});

describe('the hook with the directory store alone', () => {
  it('never loads the PostgreSQL driver; with a shared store configured it does', async () => {
    const root = makeTempRepo();
    await initGuard(root);
    const log = path.join(makeTempDir(), 'pg.log');
    writeFileSync(log, '');
    const env = { NODE_OPTIONS: `--import=${witness}`, SCOPEGUARD_TEST_PG_LOG: log };
    writeFiles(root, { 'README.md': 'r\n' });
    git(root, 'add', '-A');
    expect((await commit(root, 'plain', [], env)).code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('no-pg\n');

    writeFileSync(log, '');
    writeFiles(root, { 'README.md': 'changed\n' });
    git(root, 'add', '-A');
    const shared = await commit(root, 'shared', [], {
      ...env,
      SCOPEGUARD_STORE: unreachable,
      SCOPEGUARD_NAMESPACE: 'n',
    });
    expect(shared.code, shared.output).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('pg\n');
  });
});

describe('bad shared-store settings at the command line', () => {
  it('a malformed URL: exit 2 naming the setting, the password masked', async () => {
    const root = makeTempRepo();
    const result = await runCli(
      ['check', '--store', 'postgres://me:hunter2@/nodb', '--namespace', 'n'],
      { cwd: root },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--store');
    expect(result.stderr).toContain('***');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('no remote and no namespace: exit 2 naming the setting', async () => {
    const root = makeTempRepo();
    const result = await runCli(['locks', 'list'], { cwd: root, env: { SCOPEGUARD_STORE: pgUrl } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SCOPEGUARD_NAMESPACE');
  });
});
