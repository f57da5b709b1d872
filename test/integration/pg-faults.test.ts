import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ExitCode, ScopeguardError } from '../../src/errors.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import type { PgLockStore } from '../../src/store/pg-lock-store.js';
import { checkLeaseHistory, installLeaseAudit, leaseHistory } from '../support/lease-audit.js';
import { runCli } from '../support/cli.js';
import { clones } from '../support/clones.js';
import { startPgProxy } from '../support/pg-proxy.js';
import {
  adminQuery,
  openPgStore,
  pgAvailable,
  pgUrl,
  testSchema,
  uniqueName,
} from '../support/postgres.js';
import { eventually } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { rejection } from '../support/rejection.js';

const schema = testSchema();
let audited = false;

/** A namespace in the audited schema, with a store that carries its own application name. */
async function auditedSetup(options: { url?: string; leaseTtlMs?: number } = {}) {
  const root = makeTempDir();
  const namespace = uniqueName('faults');
  const applicationName = uniqueName('scopeguard-test');
  const open = (host?: string) =>
    openPgStore({ namespace, projectRoot: root, schema, applicationName, host, ...options });
  if (!audited) {
    await open().migrate();
    await installLeaseAudit(schema);
    audited = true;
  }
  return { root, namespace, applicationName, open };
}

async function leaseRows(namespace: string) {
  return adminQuery<{ instance: string; token: string }>(
    `SELECT instance, token FROM ${schema}.leases WHERE namespace = $1`,
    [namespace],
  );
}

/**
 * Two hosts taking and giving back overlapping leases until `running()` says stop. Faults of the
 * connection are expected here and counted; anything else fails the test.
 */
async function workload(stores: PgLockStore[], root: string, running: () => boolean) {
  const counts = { grants: 0, faults: 0 };
  await Promise.all(
    stores.map(async (store) => {
      const manager = new LockManager({ projectRoot: root, store });
      while (running()) {
        try {
          const scope = Math.random() < 0.5 ? 'area' : 'area/one';
          const result = await manager.acquire('worker', [scope]);
          if (result.acquired) {
            counts.grants++;
            await sleep(5 + Math.random() * 20);
            await manager.release(result.lock.instance);
          }
        } catch (error) {
          if (!(error instanceof ScopeguardError) || error.exitCode !== ExitCode.environment)
            throw error;
          counts.faults++;
          await sleep(20);
        }
      }
    }),
  );
  return counts;
}

/** No lease outlives its holder for longer than its time to live, and the audit is clean. */
async function expectCleanHistory(root: string, namespace: string, store: PgLockStore) {
  const manager = new LockManager({ projectRoot: root, store });
  await eventually(async () => ((await manager.acquire('after', [])).acquired ? true : undefined));
  const { doubleGrants, tokenOrder } = checkLeaseHistory(await leaseHistory(schema, namespace));
  expect(doubleGrants).toEqual([]);
  expect(tokenOrder).toEqual([]);
}

describe.skipIf(!pgAvailable)('faults of the shared store', () => {
  // The server trusts every login from 127.0.0.1, so a wrong password is never checked here; a
  // role that does not exist is refused at the same step (SQLSTATE 28000, where a wrong password
  // is 28P01), and both take the same path to the same message.
  it.each([
    [
      'an unreachable server',
      'postgres://postgres:hunter2@127.0.0.1:1/test',
      'store-unreachable',
      'cannot reach the server',
    ],
    [
      'a role the server does not know',
      'postgres://no_such_role:hunter2@127.0.0.1:5432/test',
      'store-login-refused',
      'the server refused the login',
    ],
    [
      'a database that does not exist',
      'postgres://postgres:hunter2@127.0.0.1:5432/no_such_database',
      'store-database-missing',
      'the database does not exist',
    ],
  ])('reports %s with exit 3, the fix, and no password', async (_, url, code, text) => {
    const root = makeTempDir();
    const store = openPgStore({ namespace: 'n', projectRoot: root, schema, url });
    for (const attempt of [
      () => store.snapshot(),
      () => new LockManager({ projectRoot: root, store }).acquire('x', ['src']),
    ]) {
      const error = await rejection(attempt());
      expect(error.exitCode).toBe(ExitCode.environment);
      expect(error.code).toBe(code);
      expect(error.message).toContain(text);
      expect(error.message).toContain(url.replace('hunter2', '***'));
      expect(error.message).not.toContain('hunter2');
    }
  });

  it('returns the same grant, never a second, when the reply to COMMIT is lost', async () => {
    const proxy = await startPgProxy(pgUrl);
    const { root, namespace, open } = await auditedSetup({ url: proxy.url });
    const store = open();
    await store.probe();

    const cut = proxy.cutAt({ tag: 'COMMIT' });
    const result = await new LockManager({ projectRoot: root, store }).acquire('once', ['src']);
    const terminated = await adminQuery('SELECT pg_terminate_backend($1) AS terminated', [
      await cut,
    ]);

    expect(terminated).toEqual([{ terminated: true }]);
    if (!result.acquired) throw new Error('not acquired');
    expect(result.lock.instance).toMatch(/^once-/);
    const rows = await leaseRows(namespace);
    expect(rows).toEqual([{ instance: result.lock.instance, token: result.lock.lease!.token }]);
    expect((await leaseHistory(schema, namespace)).length).toBe(1);
  });

  it('survives a session terminated in the same read that ended its login, and retries', async () => {
    const proxy = await startPgProxy(pgUrl);
    const [clone] = clones(1).clones as [string];
    const joined = proxy.joinLoginToNextMessage();
    const listing = runCli(
      ['locks', 'list', '--store', proxy.url, '--namespace', uniqueName('login')],
      { cwd: clone },
    );
    const terminated = await adminQuery('SELECT pg_terminate_backend($1) AS terminated', [
      await joined,
    ]);
    expect(terminated).toEqual([{ terminated: true }]);
    const listed = await listing;
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^No live locks in /);
  });

  it('leaves nothing behind when a session is terminated inside the transaction', async () => {
    const proxy = await startPgProxy(pgUrl);
    const { root, namespace, open } = await auditedSetup({ url: proxy.url });
    const store = open();
    await store.probe();

    // The reply to the namespace row's SELECT ... FOR UPDATE: the session holds the lock.
    const cut = proxy.cutAt({ tag: 'SELECT 1', after: 'BEGIN' });
    const pending = new LockManager({ projectRoot: root, store }).acquire('retried', ['src']);
    const backend = await cut;
    const terminated = await adminQuery('SELECT pg_terminate_backend($1) AS terminated', [backend]);
    const result = await pending;
    if (!result.acquired) throw new Error('not acquired');
    expect(result.lock.instance).toMatch(/^retried-/);
    expect(terminated).toEqual([{ terminated: true }]);
    expect((await leaseRows(namespace)).map((row) => row.instance)).toEqual([result.lock.instance]);
    expect((await leaseHistory(schema, namespace)).length).toBe(1);
  });

  it('frees the namespace when a client stops answering inside the transaction', async () => {
    const proxy = await startPgProxy(pgUrl);
    const { root, namespace, open } = await auditedSetup({ url: proxy.url });
    const stuck = open();
    await stuck.probe();

    // The session keeps the namespace row locked and nobody terminates it: the server's idle
    // in transaction timeout must end it, or every other acquirer waits out its lock timeout.
    const cut = proxy.cutAt({ tag: 'SELECT 1', after: 'BEGIN' });
    const first = new LockManager({ projectRoot: root, store: stuck }).acquire('first', ['a']);
    await cut;
    const other = openPgStore({ namespace, projectRoot: root, schema });
    expect(
      await new LockManager({ projectRoot: root, store: other }).acquire('second', ['b']),
    ).toMatchObject({ acquired: true });
    expect(await first).toMatchObject({ acquired: true });
  });

  it('grants no overlapping leases and leaves none stuck while sessions are terminated at random', async () => {
    const { root, namespace, applicationName, open } = await auditedSetup({ leaseTtlMs: 2000 });
    const stores = [open('host-a'), open('host-b')];
    let running = true;
    let terminations = 0;
    const killer = (async () => {
      while (running) {
        await sleep(30 + Math.random() * 70);
        const killed = await adminQuery(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
          [applicationName],
        );
        terminations += killed.length;
      }
    })();
    const counts = await workload(stores, root, () => running && terminations < 60);
    running = false;
    await killer;

    expect(terminations).toBeGreaterThanOrEqual(60);
    expect(counts.grants).toBeGreaterThan(counts.faults);
    await expectCleanHistory(root, namespace, open());
  }, 60_000);

  it.skipIf(process.env.SCOPEGUARD_TEST_PG_RESTART !== '1')(
    'keeps leases across a server restart mid-run, with no double grant and none stuck',
    async () => {
      const { root, namespace, open } = await auditedSetup({ leaseTtlMs: 3000 });
      // Long enough to outlast the restart without renewals: the test renews only afterwards.
      const holder = openPgStore({
        namespace,
        projectRoot: root,
        schema,
        host: 'host-h',
        leaseTtlMs: 60_000,
      });
      const manager = new LockManager({ projectRoot: root, store: holder });
      const held = await manager.acquire('held', ['kept']);
      if (!held.acquired) throw new Error('not acquired');

      let running = true;
      const load = workload([open('host-a'), open('host-b')], root, () => running);
      await sleep(500);
      const version = readdirSync('/etc/postgresql')[0]!;
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
      await sleep(1000);
      running = false;
      const counts = await load;

      // The lease survived the restart, and its holder renews it on a new connection.
      const renewed = await eventually(async () => {
        const outcome = await holder.renew(held.lock).catch(() => undefined);
        return outcome?.renewed ? outcome : undefined;
      });
      expect(renewed.lock.lease!.token).toBe(held.lock.lease!.token);
      const other = new LockManager({ projectRoot: root, store: open('host-o') });
      expect(await other.acquire('other', ['kept/x'])).toMatchObject({
        acquired: false,
        conflict: { instance: held.lock.instance },
      });
      expect(counts.grants).toBeGreaterThan(0);
      await manager.release(held.lock.instance);
      await expectCleanHistory(root, namespace, open());
    },
    60_000,
  );
});
