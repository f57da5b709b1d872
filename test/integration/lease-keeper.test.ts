import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import type { LiveLock, LockStore } from '../../src/lock/lock-store.js';
import { keepLeaseAlive } from '../../src/store/lease-keeper.js';
import { startPgProxy } from '../support/pg-proxy.js';
import {
  adminQuery,
  openPgStore,
  pgAvailable,
  pgUrl,
  testSchema,
  uniqueName,
} from '../support/postgres.js';
import { eventually, startIdleProcess } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const schema = testSchema();

/** Take `src` for an idle holder that is not an ancestor of the other holders tests start. */
async function hold(store: LockStore, root: string): Promise<LiveLock> {
  const result = await new LockManager({ projectRoot: root, store }).acquire('kept', ['src'], {
    pid: startIdleProcess().pid,
  });
  if (!result.acquired) throw new Error('not acquired');
  return result.lock;
}

/** Whether another holder could take the scope right now. */
async function othersMayTake(store: LockStore, root: string, pid: number): Promise<boolean> {
  const manager = new LockManager({ projectRoot: root, store });
  const attempt = await manager.acquire('other', ['src'], { pid });
  if (attempt.acquired) await manager.release(attempt.lock.instance, { force: true });
  return attempt.acquired;
}

describe.skipIf(!pgAvailable)('keeping a lease alive', () => {
  it('renews the lease past several times to live, and lets it run out once stopped', async () => {
    const root = makeTempDir();
    const ttlMs = 600;
    const store = openPgStore({
      namespace: uniqueName('keeper'),
      projectRoot: root,
      schema,
      leaseTtlMs: ttlMs,
    });
    const losses: string[] = [];
    const keeper = keepLeaseAlive(store, await hold(store, root), {
      ttlMs,
      onLost: (reason) => losses.push(reason),
    });
    const other = startIdleProcess();
    for (let round = 0; round < 4; round++) {
      await new Promise((resolve) => setTimeout(resolve, ttlMs / 2));
      expect(await othersMayTake(store, root, other.pid)).toBe(false);
    }
    await keeper.stop();
    await eventually(async () =>
      (await othersMayTake(store, root, other.pid)) ? true : undefined,
    );
    expect(losses).toEqual([]);
  });

  it('says once that the lease is lost when it was removed behind its back', async () => {
    const root = makeTempDir();
    const namespace = uniqueName('keeper');
    const store = openPgStore({ namespace, projectRoot: root, schema, leaseTtlMs: 600 });
    const losses: string[] = [];
    const keeper = keepLeaseAlive(store, await hold(store, root), {
      ttlMs: 600,
      onLost: (reason) => losses.push(reason),
    });
    await adminQuery(`DELETE FROM ${schema}.leases WHERE namespace = $1`, [namespace]);
    await eventually(() => (losses.length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(losses).toEqual([
      'the lease is gone from the shared store (released, or reaped after it expired)',
    ]);
    await keeper.stop();
  });

  it('gives the lease up for lost when the server cannot be reached before it runs out', async () => {
    const root = makeTempDir();
    const proxy = await startPgProxy(pgUrl);
    const store = openPgStore({
      namespace: uniqueName('keeper'),
      projectRoot: root,
      schema,
      leaseTtlMs: 800,
      url: proxy.url,
    });
    const losses: string[] = [];
    const keeper = keepLeaseAlive(store, await hold(store, root), {
      ttlMs: 800,
      onLost: (reason) => losses.push(reason),
    });
    await proxy.stop();
    await eventually(() => (losses.length > 0 ? true : undefined));
    expect(losses).toEqual([
      expect.stringMatching(
        /^could not renew the lease before it ran out: .*cannot reach the server/,
      ),
    ]);
    await keeper.stop();
  });

  it('has nothing to do for a lock without a lease', async () => {
    const root = makeTempDir();
    const store = new FileLockStore({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    const lock = await hold(store, root);
    const keeper = keepLeaseAlive(store, lock, { ttlMs: 10, onLost: () => expect.fail('lost') });
    expect(keeper.lock).toBe(lock);
    await keeper.stop();
  });
});
