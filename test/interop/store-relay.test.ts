import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { binPath, runCli } from '../support/cli.js';
import { clones } from '../support/clones.js';
import { writeFiles } from '../support/commit-repo.js';
import { adminQuery, pgAvailable, pgUrl, uniqueName } from '../support/postgres.js';
import { eventually, killHard, startIdleProcess, track } from '../support/processes.js';
import { holdInPython, pythonAvailable } from '../support/python-peer.js';
import { isolatedEnv } from '../support/temp-dir.js';

// Short enough to wait out in a test (the relay then rescans every 2 s).
const ttlSeconds = 6;

/** A clone whose lease time to live is short, and the store flags of a fresh namespace. */
function setUp(
  count: number,
  leaseTtl = ttlSeconds,
): { dirs: string[]; store: string[]; namespace: string } {
  const dirs = clones(count).clones;
  for (const dir of dirs) writeFiles(dir, { '.scopeguardrc.json': `{"leaseTtl": ${leaseTtl}}` });
  const namespace = uniqueName('relay');
  return { dirs, store: ['--store', pgUrl, '--namespace', namespace], namespace };
}

interface LeaseRow {
  instance: string;
  token: string;
  pid: number;
  live: boolean;
  expires_at: Date;
}

/** The namespace's leases as the server holds them, read without reaping anything. */
function leaseRows(namespace: string): Promise<LeaseRow[]> {
  return adminQuery<LeaseRow>(
    `SELECT instance, token::text AS token, pid, expires_at,
       expires_at > clock_timestamp() AS live
     FROM scopeguard.leases WHERE namespace = $1 ORDER BY token`,
    [namespace],
  );
}

/** `scopeguard store relay` running in the foreground, its output collected line by line. */
function startRelay(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = track(
    spawn(process.execPath, [binPath, 'store', 'relay', ...args], {
      cwd,
      env: { ...isolatedEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    stderr: () => stderr,
    /** The first line matching `pattern` after `after` lines, once it has been printed. */
    waitFor: (pattern: RegExp, after = 0) =>
      eventually(() => lines.slice(after).find((line) => pattern.test(line)), 20_000),
    lineCount: () => lines.length,
    /** Stop it as a service manager does; resolves with its exit code. */
    terminate: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function tokenOf(line: string): string {
  return /\(token (\d+)\)$/.exec(line)![1]!;
}

describe.skipIf(!pgAvailable || !pythonAvailable)('store relay', () => {
  it('publishes a Python lock, so another clone is refused by the server, and withdraws it when the holder is killed', async () => {
    const { dirs, store, namespace } = setUp(2);
    const [first, second] = dirs as [string, string];
    const relay = startRelay(first, store);
    await relay.waitFor(/^scopeguard relay: relaying /);

    const { child: python } = await holdInPython(first, 'py-loop', ['src']);
    // How soon the lease comes is the relay benchmark's to measure; that it comes on the
    // file-system event, not the rescan, is the recreated-directory test's.
    const lease = await eventually(async () => (await leaseRows(namespace))[0]);
    expect(lease).toMatchObject({ instance: 'py-loop', pid: python.pid, live: true });

    const blocked = await runCli(
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
      { cwd: second },
    );
    expect(blocked.code, blocked.stderr).toBe(1);
    expect(blocked.stderr).toMatch(
      new RegExp(`scope is held by loop "py-loop" \\(pid ${python.pid}, .*shared store\\) on src`),
    );

    await killHard(python);
    await eventually(
      async () => ((await leaseRows(namespace)).length === 0 ? true : undefined),
      ttlSeconds * 1000,
    );
    await relay.waitFor(/^scopeguard relay: withdrew lease py-loop: its holder is gone: /);
    expect(relay.stderr()).toBe('');
    expect(await relay.terminate()).toBe(0);
  });

  it('two relays publish one lease; stopped, they leave it; a restarted relay renews that lease instead of adding one', async () => {
    const { dirs, store, namespace } = setUp(1);
    const [first] = dirs as [string];
    const { child: python } = await holdInPython(first, 'py-loop', ['src']);
    const relays = [startRelay(first, store), startRelay(first, store)];
    const published = await Promise.all(
      relays.map((relay) => relay.waitFor(/^scopeguard relay: published loop "py-loop"/)),
    );
    const token = tokenOf(published[0]!);
    expect(tokenOf(published[1]!)).toBe(token);
    expect(await leaseRows(namespace)).toMatchObject([{ instance: 'py-loop', token, live: true }]);

    // Stopped on purpose, a relay leaves its leases to run out: the loop still works in its scope.
    expect(await Promise.all(relays.map((relay) => relay.terminate()))).toEqual([0, 0]);
    expect(await leaseRows(namespace)).toMatchObject([{ token, pid: python.pid }]);

    const restarted = startRelay(first, store);
    expect(tokenOf(await restarted.waitFor(/^scopeguard relay: published loop "py-loop"/))).toBe(
      token,
    );
    const [adopted] = await leaseRows(namespace);
    // Once the server's clock has passed the expiry the lease had then, it is still the one lease,
    // alive: the restarted relay renews it.
    await eventually(
      async () => {
        const [now] = await adminQuery<{ past: boolean }>('SELECT clock_timestamp() > $1 AS past', [
          adopted!.expires_at,
        ]);
        return now!.past ? true : undefined;
      },
      3 * ttlSeconds * 1000,
    );
    expect(await leaseRows(namespace)).toMatchObject([{ token, live: true }]);
    expect(restarted.stderr()).toBe('');
    expect(await restarted.terminate()).toBe(0);
  });

  it('says loudly, on stderr and in store status, when the server refuses a local lock, and publishes it once the scope is free', async () => {
    const { dirs, store, namespace } = setUp(2);
    const [first, second] = dirs as [string, string];
    const holder = startIdleProcess();
    const taken = await runCli(
      [
        'locks',
        'acquire',
        ...store,
        '--name',
        'remote',
        '--scope',
        'src',
        '--pid',
        String(holder.pid),
      ],
      { cwd: second },
    );
    expect(taken.code, taken.stderr).toBe(0);
    await holdInPython(first, 'py-loop', ['src/a.ts']);

    const refused = await runCli(['store', 'relay', ...store, '--once'], { cwd: first });
    expect(refused.code).toBe(1);
    const warning =
      /^scopeguard relay: WARNING: local loop "py-loop" \(pid \d+.*\) in .*py-loop\.lock works inside a scope held elsewhere: the shared store refused it; scope is held by loop "remote" \(.*\) on src\./m;
    expect(refused.stderr).toMatch(warning);
    const status = await runCli(['store', 'status', ...store], { cwd: first });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      /^WARNING: local loop "py-loop" .* works inside a scope held elsewhere: .*"remote"/m,
    );
    expect((await leaseRows(namespace)).map((row) => row.instance)).toEqual([
      expect.stringMatching(/^remote-/),
    ]);

    await killHard(holder);
    const published = await runCli(['store', 'relay', ...store, '--once'], { cwd: first });
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/^scopeguard relay: published loop "py-loop"/m);
    expect((await leaseRows(namespace)).map((row) => row.instance)).toEqual(['py-loop']);
    const clear = await runCli(['store', 'status', ...store], { cwd: first });
    expect(clear.stdout).not.toContain('WARNING');
  });

  it('follows a lock directory removed and made again, watching the new one', async () => {
    const { dirs, store, namespace } = setUp(1, 60);
    const [first] = dirs as [string];
    const running = path.join(first, '.loops', '.running');
    // The relay would publish every record within 5 s without a single file-system event (it
    // rescans): its debug trace names each event it wakes for and the folder (device and inode) it
    // came from, so an event from the new folder proves that the watch followed it.
    const relay = startRelay(first, store, { SCOPEGUARD_DEBUG: '1' });
    await relay.waitFor(/^scopeguard relay: relaying /);
    const acquire = (name: string, scope: string) =>
      runCli(['locks', 'acquire', '--name', name, '--scope', scope, '--pid', String(process.pid)], {
        cwd: first,
      });
    const before = await acquire('local', 'docs');
    expect(before.code, before.stderr).toBe(0);
    await eventually(async () => (await leaseRows(namespace))[0]);

    rmSync(running, { recursive: true });
    await eventually(async () => ((await leaseRows(namespace)).length === 0 ? true : undefined));
    const { child: python } = await holdInPython(first, 'py-loop', ['src']);
    const lease = await eventually(async () => (await leaseRows(namespace))[0]);
    expect(lease).toMatchObject({ instance: 'py-loop', pid: python.pid, live: true });
    const after = await acquire('after', 'docs');
    expect(after.code, after.stderr).toBe(0);
    const { dev, ino } = statSync(running);
    const fromNewFolder = `relay: change in ${running} (folder ${dev}:${ino})`;
    await eventually(() => (relay.stderr().includes(fromNewFolder) ? true : undefined));
    const otherLines = relay
      .stderr()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('scopeguard:debug '));
    expect(otherLines).toEqual([]);
    expect(await relay.terminate()).toBe(0);
  });
});
