import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, ScopeguardError } from '../../src/errors.js';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import { LayeredLockStore } from '../../src/store/layered-lock-store.js';
import {
  adminQuery,
  openPgStore,
  pgAvailable,
  testSchema,
  uniqueName,
} from '../support/postgres.js';
import { startIdleProcess } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const schema = testSchema();

/** This machine's stores, plus a shared store posing as another machine in the same namespace. */
function setup(options: { url?: string } = {}) {
  const root = makeTempDir();
  const namespace = uniqueName('layered');
  const runningDir = path.join(root, '.loops', '.running');
  const local = new FileLockStore({ loopsDir: path.join(root, '.loops'), projectRoot: root });
  const shared = openPgStore({ namespace, projectRoot: root, schema, url: options.url });
  const store = new LayeredLockStore(local, shared);
  const elsewhere = openPgStore({ namespace, projectRoot: root, schema, host: 'other-machine' });
  return {
    root,
    namespace,
    runningDir,
    store,
    manager: new LockManager({ projectRoot: root, store }),
    elsewhere: new LockManager({ projectRoot: root, store: elsewhere }),
    leases: async () =>
      (
        await adminQuery<{ instance: string }>(
          `SELECT instance FROM ${schema}.leases WHERE namespace = $1 ORDER BY token`,
          [namespace],
        )
      ).map((row) => row.instance),
    records: () =>
      existsSync(runningDir) ? readdirSync(runningDir).filter((n) => n !== '.acquire.lock') : [],
  };
}

describe.skipIf(!pgAvailable)('local and shared stores together', () => {
  it('takes the local record and the shared lease, and lists them as one lock', async () => {
    const { manager, leases, records } = setup();
    const holder = startIdleProcess();
    const result = await manager.acquire('both', ['src'], { pid: holder.pid, instanceId: 'both' });
    expect(result).toMatchObject({
      acquired: true,
      lock: { instance: 'both', store: 'local+shared', lease: { token: '1' } },
    });
    expect(records()).toEqual(['both.lock']);
    expect(await leases()).toEqual(['both']);
    const { locks } = await manager.listLocks();
    expect(locks.map((lock) => [lock.instance, lock.store])).toEqual([['both', 'local+shared']]);
  });

  it("grants a nested acquisition inside its ancestor's lock in both stores, as the directory store alone does", async () => {
    const { manager, leases, records } = setup();
    const outer = await manager.acquire('outer', ['src'], { instanceId: 'outer' });
    expect(outer).toMatchObject({ acquired: true, lock: { store: 'local+shared' } });
    const child = startIdleProcess();
    const inner = await manager.acquire('inner', ['src/a'], {
      pid: child.pid,
      instanceId: 'inner',
    });
    expect(inner).toMatchObject({ acquired: true, lock: { store: 'local+shared' } });
    const sibling = startIdleProcess();
    expect(await manager.acquire('sibling', ['src/a'], { pid: sibling.pid })).toMatchObject({
      acquired: false,
      conflict: { instance: 'inner', store: 'local' },
    });
    expect(records().sort()).toEqual(['inner.lock', 'outer.lock']);
    expect(await leases()).toEqual(['outer', 'inner']);
  });

  it('does not take a lease of another machine for an ancestor, whatever its pid', async () => {
    const { manager, elsewhere } = setup();
    // The same pid number on another machine is another process.
    const remote = await elsewhere.acquire('remote', ['src'], { pid: process.pid });
    expect(remote.acquired).toBe(true);
    const child = startIdleProcess();
    expect(await manager.acquire('here', ['src/a'], { pid: child.pid })).toMatchObject({
      acquired: false,
      conflict: { store: 'shared', record: { host: 'other-machine', pid: process.pid } },
    });
  });

  it('gives the local record back when the shared store refuses, naming the holder there', async () => {
    const { manager, elsewhere, leases, records } = setup();
    const remote = startIdleProcess();
    await elsewhere.acquire('remote', ['src'], { pid: remote.pid, instanceId: 'remote' });
    const result = await manager.acquire('here', ['src/app']);
    expect(result).toMatchObject({
      acquired: false,
      reason: 'scope',
      conflict: { instance: 'remote', store: 'shared', record: { host: 'other-machine' } },
    });
    expect(records()).toEqual([]);
    expect(await leases()).toEqual(['remote']);
  });

  it('stops at a local refusal (a Python loop here) without asking the shared store', async () => {
    const { root, runningDir, manager, leases, records } = setup();
    const python = startIdleProcess();
    mkdirSync(runningDir, { recursive: true });
    writeFileSync(
      path.join(runningDir, 'py-loop.lock'),
      JSON.stringify({
        loop_name: 'py-loop',
        scope: [path.join(root, 'src')],
        pid: python.pid,
        started_at: new Date().toISOString(),
      }),
    );
    const result = await manager.acquire('here', ['src']);
    expect(result).toMatchObject({
      acquired: false,
      conflict: { instance: 'py-loop', store: 'local' },
    });
    expect(records()).toEqual(['py-loop.lock']);
    expect(await leases()).toEqual([]);
  });

  it('names the lock apart from the one another machine holds for the same loop', async () => {
    const { manager, elsewhere, leases, records } = setup();
    const remote = startIdleProcess();
    const theirs = await elsewhere.acquire('fix', ['docs'], { pid: remote.pid });
    const result = await manager.acquire('fix', ['src']);
    if (!result.acquired || !theirs.acquired) throw new Error('not acquired');
    expect(result.lock.instance).toMatch(/^fix-\d{8}T/);
    expect(result.lock.instance).not.toBe(theirs.lock.instance);
    expect(records()).toEqual([`${result.lock.instance}.lock`]);
    expect(await leases()).toEqual([theirs.lock.instance, result.lock.instance]);
  });

  it('gives the local record back and fails with exit 3 when the shared store is unreachable', async () => {
    const { manager, records } = setup({ url: 'postgres://postgres:secret@127.0.0.1:1/test' });
    const error = await manager.acquire('here', ['src']).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ScopeguardError);
    expect((error as ScopeguardError).exitCode).toBe(ExitCode.environment);
    expect((error as ScopeguardError).message).toContain(
      'postgres://postgres:***@127.0.0.1:1/test',
    );
    expect((error as ScopeguardError).message).not.toContain('secret');
    expect(records()).toEqual([]);
  });

  it('shows every store’s locks labelled, and releases both parts of its own', async () => {
    const { root, runningDir, manager, elsewhere, leases, records } = setup();
    const remote = startIdleProcess();
    await elsewhere.acquire('remote', ['docs'], { pid: remote.pid, instanceId: 'remote' });
    const python = startIdleProcess();
    mkdirSync(runningDir, { recursive: true });
    writeFileSync(
      path.join(runningDir, 'py.lock'),
      JSON.stringify({
        loop_name: 'py',
        scope: [path.join(root, 'lib')],
        pid: python.pid,
        started_at: new Date().toISOString(),
      }),
    );
    await manager.acquire('mine', ['src'], { instanceId: 'mine' });
    const { locks } = await manager.listLocks();
    expect(Object.fromEntries(locks.map((lock) => [lock.instance, lock.store]))).toEqual({
      py: 'local',
      remote: 'shared',
      mine: 'local+shared',
    });

    expect(await manager.release('remote')).toMatchObject({
      status: 'refused',
      lock: { store: 'shared' },
    });
    expect(await manager.release('mine')).toMatchObject({
      status: 'released',
      lock: { store: 'local+shared' },
    });
    expect(records()).toEqual(['py.lock']);
    expect(await leases()).toEqual(['remote']);
  });

  it('renews the shared lease of a lock held in both', async () => {
    const { store, manager } = setup();
    const held = await manager.acquire('kept', ['src'], { instanceId: 'kept' });
    if (!held.acquired) throw new Error('not acquired');
    const renewed = await store.renew(held.lock);
    expect(renewed).toMatchObject({
      renewed: true,
      lock: { instance: 'kept', store: 'local+shared' },
    });
    if (renewed.renewed)
      expect(renewed.lock.lease!.expiresAt.getTime()).toBeGreaterThanOrEqual(
        held.lock.lease!.expiresAt.getTime(),
      );
  });
});
