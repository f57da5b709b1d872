import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import type { LockStore } from '../../src/lock/lock-store.js';
import { schemaVersion } from '../../src/store/pg-schema.js';
import {
  adminQuery,
  openPgStore,
  pgAvailable,
  testSchema,
  uniqueName,
} from '../support/postgres.js';
import { eventually, killHard, startIdleProcess } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { rejection } from '../support/rejection.js';

const schema = testSchema();

function manager(store: LockStore, root: string): LockManager {
  return new LockManager({ projectRoot: root, store });
}

function acquired<T extends { acquired: boolean }>(result: T): Extract<T, { acquired: true }> {
  if (!result.acquired) throw new Error(`expected a grant, got ${JSON.stringify(result)}`);
  return result as Extract<T, { acquired: true }>;
}

describe.skipIf(!pgAvailable)('PostgreSQL store', () => {
  it('expires a lease by the server clock, and a lost lease cannot be renewed', async () => {
    const root = makeTempDir();
    const namespace = uniqueName('expiry');
    const holder = startIdleProcess();
    const short = openPgStore({ namespace, projectRoot: root, schema, leaseTtlMs: 300 });
    const held = acquired(
      await manager(short, root).acquire('short', ['src'], { pid: holder.pid }),
    );

    // The holder is alive on this host: only the lease's expiry can free the scope.
    const other = startIdleProcess();
    const next = await eventually(async () => {
      const attempt = await manager(short, root).acquire('next', ['src'], { pid: other.pid });
      return attempt.acquired ? attempt : undefined;
    });
    expect(next.reaped.map((lock) => lock.instance)).toEqual([held.lock.instance]);
    expect(next.reaped[0]!.reason).toMatch(/lease expired at .* \(server time\) without renewal/);
    expect(await short.renew(held.lock)).toEqual({
      renewed: false,
      reason: 'the lease is gone from the shared store (released, or reaped after it expired)',
    });
  });

  it('refuses to renew a lease that expired, even before anyone removed it', async () => {
    const root = makeTempDir();
    const namespace = uniqueName('late');
    const store = openPgStore({ namespace, projectRoot: root, schema, leaseTtlMs: 200 });
    const held = acquired(await manager(store, root).acquire('late', ['src']));
    await eventually(async () => {
      const [row] = await adminQuery<{ expired: boolean }>(
        `SELECT expires_at <= clock_timestamp() AS expired FROM ${schema}.leases
         WHERE namespace = $1`,
        [namespace],
      );
      return row?.expired ? true : undefined;
    });
    const outcome = await store.renew(held.lock);
    expect(outcome).toMatchObject({ renewed: false });
    expect(!outcome.renewed && outcome.reason).toMatch(
      /^the lease expired at .* \(server time\) before it was renewed$/,
    );
  });

  it('keeps a renewed lease well past its time to live', async () => {
    const root = makeTempDir();
    const store = openPgStore({
      namespace: uniqueName('renew'),
      projectRoot: root,
      schema,
      leaseTtlMs: 600,
    });
    const keeper = startIdleProcess();
    let lock = acquired(
      await manager(store, root).acquire('kept', ['src'], { pid: keeper.pid }),
    ).lock;
    const other = startIdleProcess();
    for (let round = 0; round < 8; round++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const outcome = await store.renew(lock);
      if (!outcome.renewed) throw new Error(`renewal ${round} failed: ${outcome.reason}`);
      lock = outcome.lock;
      const attempt = await manager(store, root).acquire('other', ['src'], { pid: other.pid });
      expect(attempt).toMatchObject({ acquired: false, conflict: { instance: lock.instance } });
    }
  });

  it('hands out fencing tokens that strictly increase per namespace', async () => {
    const root = makeTempDir();
    const store = openPgStore({ namespace: uniqueName('tokens'), projectRoot: root, schema });
    const tokens: bigint[] = [];
    for (let n = 0; n < 5; n++) {
      const grant = acquired(await manager(store, root).acquire('t', ['src']));
      tokens.push(BigInt(grant.lock.lease!.token));
      await manager(store, root).release(grant.lock.instance);
    }
    expect(tokens).toEqual([1n, 2n, 3n, 4n, 5n]);
    const elsewhere = openPgStore({ namespace: uniqueName('tokens'), projectRoot: root, schema });
    const first = acquired(await manager(elsewhere, root).acquire('t', ['src']));
    expect(first.lock.lease!.token).toBe('1');
  });

  it('judges leases of other hosts by expiry only, and its own host by pid proof', async () => {
    const root = makeTempDir();
    const namespace = uniqueName('hosts');
    const onA = openPgStore({ namespace, projectRoot: root, schema, host: 'host-a' });
    const onB = openPgStore({ namespace, projectRoot: root, schema, host: 'host-b' });
    const doomed = startIdleProcess();
    const { instance } = acquired(
      await manager(onA, root).acquire('doomed', ['src'], { pid: doomed.pid }),
    ).lock;
    await killHard(doomed);

    expect(await manager(onB, root).acquire('b', ['src'])).toMatchObject({
      acquired: false,
      conflict: { instance, record: { host: 'host-a', pid: doomed.pid } },
      reaped: [],
    });
    expect(await onB.snapshot()).toMatchObject({ locks: [{ instance }], reaped: [] });
    const fromA = acquired(await manager(onA, root).acquire('a', ['src']));
    expect(fromA.reaped.map((lock) => [lock.instance, lock.reason])).toEqual([
      [instance, `process ${doomed.pid} has exited`],
    ]);
  });

  it('stores entries repository-relative, so checkouts at different paths agree', async () => {
    const [first, second] = [makeTempDir(), makeTempDir()];
    const linked = makeTempDir();
    const namespace = uniqueName('checkouts');
    const inFirst = openPgStore({
      namespace,
      projectRoot: first,
      worktreeRoots: [first, linked],
      schema,
    });
    const inSecond = openPgStore({ namespace, projectRoot: second, schema });
    const holder = startIdleProcess();
    const { instance } = acquired(
      await manager(inFirst, first).acquire('one', [path.join(linked, 'src/a')], {
        pid: holder.pid,
      }),
    ).lock;

    expect(await manager(inSecond, second).acquire('two', ['src'])).toMatchObject({
      acquired: false,
      conflict: { instance, record: { scope: [path.join(second, 'src/a')] } },
    });
    const rows = await adminQuery(`SELECT scope FROM ${schema}.leases WHERE namespace = $1`, [
      namespace,
    ]);
    expect(rows).toEqual([{ scope: ['src/a'] }]);
  });

  it('lets a glob entry own its literal folder when deciding overlap', async () => {
    const root = makeTempDir();
    const store = openPgStore({ namespace: uniqueName('glob'), projectRoot: root, schema });
    const holder = startIdleProcess();
    await manager(store, root).acquire('gen', ['src/**/gen/*.ts'], { pid: holder.pid });
    expect((await manager(store, root).acquire('inside', ['src/other.md'])).acquired).toBe(false);
    expect((await manager(store, root).acquire('outside', ['docs'])).acquired).toBe(true);
  });

  it('compares case-folded for an acquirer whose checkout ignores case', async () => {
    const root = makeTempDir();
    const namespace = uniqueName('case');
    const exact = openPgStore({ namespace, projectRoot: root, schema });
    const folding = openPgStore({ namespace, projectRoot: root, schema, ignoreCase: true });
    const holder = startIdleProcess();
    await manager(exact, root).acquire('upper', ['Src/App'], { pid: holder.pid });
    expect((await manager(folding, root).acquire('f', ['src/app/x'])).acquired).toBe(false);
    expect((await manager(exact, root).acquire('e', ['src/app/x'])).acquired).toBe(true);
  });

  it('refuses a scope outside the repository (exit 2) before reaching the server', async () => {
    const root = makeTempDir();
    const store = openPgStore({
      namespace: uniqueName('outside'),
      projectRoot: root,
      schema,
      url: 'postgres://postgres@127.0.0.1:1/test',
    });
    const error = await rejection(manager(store, root).acquire('x', ['/somewhere/else']));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toContain('/somewhere/else is outside the repository');
  });

  it('creates the schema once when many clients start at once, and readers never create it', async () => {
    const fresh = uniqueName('sg_test_fresh');
    const root = makeTempDir();
    try {
      const reader = openPgStore({ namespace: 'n', projectRoot: root, schema: fresh });
      expect(await reader.snapshot()).toEqual({ locks: [], problems: [], reaped: [] });
      expect(await reader.probe()).toMatchObject({ exists: false });
      const schemas = await adminQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [fresh]);
      expect(schemas).toEqual([]);

      const clients = Array.from({ length: 6 }, (_, n) =>
        openPgStore({ namespace: `n${n}`, projectRoot: root, schema: fresh }),
      );
      const results = await Promise.all(
        clients.map((store, n) =>
          n % 2 === 0 ? store.migrate() : manager(store, root).acquire('x', ['src']),
        ),
      );
      expect(results.every((result) => !('acquired' in result) || result.acquired)).toBe(true);
      const versions = await adminQuery(
        `SELECT version FROM ${fresh}.schema_version ORDER BY version`,
      );
      expect(versions).toEqual(
        Array.from({ length: schemaVersion }, (_, index) => ({ version: index + 1 })),
      );
    } finally {
      await adminQuery(`DROP SCHEMA IF EXISTS ${fresh} CASCADE`);
    }
  });

  it('upgrades a version 1 schema in use: its leases stay and still block, read as before', async () => {
    const older = uniqueName('sg_test_v1');
    const root = makeTempDir();
    try {
      const holder = startIdleProcess();
      const writer = openPgStore({ namespace: 'n', projectRoot: root, schema: older });
      const held = acquired(
        await manager(writer, root).acquire('v1', ['src'], { pid: holder.pid }),
      );
      // What version 1 was: the same table without the holder's pid namespace.
      await adminQuery(`ALTER TABLE ${older}.leases DROP COLUMN pid_ns`);
      await adminQuery(`DELETE FROM ${older}.schema_version WHERE version > 1`);

      const reader = openPgStore({ namespace: 'n', projectRoot: root, schema: older });
      const snapshot = await reader.snapshot();
      expect(snapshot.reaped).toEqual([]);
      expect(snapshot.locks.map((lock) => lock.instance)).toEqual([held.lock.instance]);
      expect(snapshot.locks[0]!.record).not.toHaveProperty('pid_ns');
      const versions = await adminQuery(`SELECT max(version) AS v FROM ${older}.schema_version`);
      expect(versions).toEqual([{ v: schemaVersion }]);
      expect(await manager(reader, root).acquire('other', ['src/a.ts'])).toMatchObject({
        acquired: false,
        conflict: { instance: held.lock.instance },
      });
    } finally {
      await adminQuery(`DROP SCHEMA IF EXISTS ${older} CASCADE`);
    }
  });

  it('refuses a schema from a newer scopeguard with exit 3', async () => {
    const newer = uniqueName('sg_test_newer');
    const root = makeTempDir();
    try {
      await openPgStore({ namespace: 'n', projectRoot: root, schema: newer }).migrate();
      await adminQuery(`INSERT INTO ${newer}.schema_version (version) VALUES (99)`);
      const store = openPgStore({ namespace: 'n', projectRoot: root, schema: newer });
      const error = await rejection(manager(store, root).acquire('x', ['src']));
      expect(error.exitCode).toBe(ExitCode.environment);
      expect(error.message).toContain('is at version 99, newer than this scopeguard');
    } finally {
      await adminQuery(`DROP SCHEMA IF EXISTS ${newer} CASCADE`);
    }
  });

  it('says so (exit 3) when the role may not create the schema, and a read-only role still reads', async () => {
    const role = uniqueName('sg_reader');
    const root = makeTempDir();
    const namespace = uniqueName('roles');
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    try {
      const url = `postgres://${role}@127.0.0.1:5432/test`;
      const fresh = openPgStore({
        namespace,
        projectRoot: root,
        schema: uniqueName('sg_test_no'),
        url,
      });
      const error = await rejection(manager(fresh, root).acquire('x', ['src']));
      expect(error.exitCode).toBe(ExitCode.environment);
      expect(error.code).toBe('store-permission-denied');
      expect(error.message).toMatch(/permission denied .*needs CREATE on the database/);

      // A reader that may only read still lists the leases and reports what it cannot reap. The
      // lease lives long enough to be listed live on a loaded machine, then runs out.
      const writer = openPgStore({ namespace, projectRoot: root, schema, leaseTtlMs: 3_000 });
      const { instance } = acquired(
        await manager(writer, root).acquire('soon-stale', ['src']),
      ).lock;
      await adminQuery(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await adminQuery(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
      const reader = openPgStore({ namespace, projectRoot: root, schema, url });
      expect((await reader.snapshot()).locks.map((lock) => lock.instance)).toEqual([instance]);
      const stale = await eventually(async () => {
        const { problems } = await reader.snapshot();
        return problems.length > 0 ? problems : undefined;
      });
      expect(stale).toEqual([
        expect.objectContaining({
          stem: instance,
          reason: expect.stringMatching(/^stale \(its lease expired .*cannot be removed/),
        }),
      ]);
      await Promise.all([fresh.close(), reader.close()]);
    } finally {
      await adminQuery(`DROP OWNED BY ${role}`);
      await adminQuery(`DROP ROLE ${role}`);
    }
  });
});
