import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { LockManager } from '../../src/lock/lock-manager.js';
import { currentPidNamespace } from '../../src/lock/process-identity.js';
import { binPath, runCli } from '../support/cli.js';
import { clones } from '../support/clones.js';
import { adminQuery, pgAvailable, pgUrl, uniqueName } from '../support/postgres.js';
import { startIdleProcess, track } from '../support/processes.js';
import { isolatedEnv, makeTempDir } from '../support/temp-dir.js';

// A new pid namespace on the same host and boot, as containers sharing a volume get. --kill-child
// ends the namespace (and everything in it) when the test kills unshare.
const unshare = ['--pid', '--fork', '--mount-proc', '--kill-child'];
const unshareWorks = spawnSync('unshare', [...unshare, 'true']).status === 0;

/** Run a shell script in a new pid namespace; resolves with the first line it prints. */
async function inNewPidNamespace(root: string, script: string): Promise<string> {
  const child = track(
    spawn('unshare', [...unshare, 'sh', '-c', script], {
      cwd: root,
      env: isolatedEnv({ SCOPEGUARD: `${process.execPath} ${binPath}` }),
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`unshare exited (${code}) before printing`)));
  });
}

describe.skipIf(!unshareWorks)('locks across pid namespaces (unshare --pid)', () => {
  it('keeps a lock held in another pid namespace, whose pid means another process here', async () => {
    const root = makeTempDir();
    const line = await inNewPidNamespace(
      root,
      'sleep 300 & $SCOPEGUARD locks acquire --name inner --instance inner --scope src --pid $! ' +
        '--loops-dir .loops >/dev/null && echo "held by $!" && wait',
    );
    const innerPid = Number(/^held by (\d+)$/.exec(line)?.[1]);
    const file = path.join(root, '.loops', '.running', 'inner.lock');
    const record = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; pid_ns: string };
    expect(record.pid).toBe(innerPid);
    expect(record.pid_ns).not.toBe(currentPidNamespace());

    // Out here that pid is some other process (or none): it proves nothing about the holder.
    const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    const snapshot = await manager.listLocks();
    expect(snapshot.reaped).toEqual([]);
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['inner']);
    expect(await manager.acquire('outer', ['src/a'])).toMatchObject({
      acquired: false,
      conflict: { instance: 'inner' },
    });
    expect(existsSync(file)).toBe(true);
  });

  it('keeps a lock held out here when read from inside another pid namespace', async () => {
    const root = makeTempDir();
    const holder = startIdleProcess();
    const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    expect(
      (await manager.acquire('outer', ['src'], { pid: holder.pid, instanceId: 'outer' })).acquired,
    ).toBe(true);

    const listed = await inNewPidNamespace(
      root,
      '$SCOPEGUARD locks list --json --loops-dir .loops | tr -d "\\n"; echo',
    );
    const report = JSON.parse(listed) as { locks: { instance: string }[]; reaped: unknown[] };
    expect(report.reaped).toEqual([]);
    expect(report.locks.map((lock) => lock.instance)).toEqual(['outer']);
    expect(existsSync(path.join(root, '.loops', '.running', 'outer.lock'))).toBe(true);
  });

  it.skipIf(!pgAvailable)(
    'keeps a shared lease taken in another pid namespace of this host, and it still blocks',
    async () => {
      const [inside, outside] = clones(2).clones as [string, string];
      const namespace = uniqueName('pidns');
      const store = ['--store', pgUrl, '--namespace', namespace];
      const line = await inNewPidNamespace(
        inside,
        `sleep 300 & $SCOPEGUARD locks acquire ${store.map((arg) => `'${arg}'`).join(' ')} ` +
          '--name inner --instance inner --scope src --pid $! >/dev/null && echo "held by $!" && wait',
      );
      expect(line).toMatch(/^held by \d+$/);
      const [lease] = await adminQuery<{ pid_ns: string | null }>(
        `SELECT pid_ns FROM scopeguard.leases WHERE namespace = $1 AND instance = 'inner'`,
        [namespace],
      );
      expect(lease?.pid_ns).toMatch(/^\d+$/);
      expect(lease?.pid_ns).not.toBe(currentPidNamespace());

      // Another checkout on this host: the lease's pid names some other process here, or none.
      const listed = await runCli(['locks', 'list', '--json', ...store], {
        cwd: outside,
      });
      const report = JSON.parse(listed.stdout) as {
        locks: { instance: string; store: string }[];
        reaped: unknown[];
      };
      expect(report.reaped).toEqual([]);
      expect(report.locks).toContainEqual(
        expect.objectContaining({ instance: 'inner', store: 'shared' }),
      );
      const refused = await runCli(
        [
          'locks',
          'acquire',
          ...store,
          '--name',
          'outer',
          '--scope',
          'src/a.ts',
          '--pid',
          String(startIdleProcess().pid),
        ],
        { cwd: outside },
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('"inner"');
    },
  );
});
