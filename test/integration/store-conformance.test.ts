import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import type { LockStore } from '../../src/lock/lock-store.js';
import { openPgStore, pgAvailable, testSchema, uniqueName } from '../support/postgres.js';
import { killHard, startIdleProcess } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

// One suite, every store: what a command relies on must not depend on where locks live.
const schema = testSchema();
const stores: { name: string; available: boolean; open: (root: string) => LockStore }[] = [
  {
    name: 'directory store',
    available: true,
    open: (root) => new FileLockStore({ loopsDir: path.join(root, '.loops'), projectRoot: root }),
  },
  {
    name: 'PostgreSQL store',
    available: pgAvailable,
    open: (root) =>
      openPgStore({ namespace: uniqueName('conformance'), projectRoot: root, schema }),
  },
];

describe.each(stores)('$name conformance', ({ available, open }) => {
  function setup() {
    const root = makeTempDir();
    const store = open(root);
    return { root, store, manager: new LockManager({ projectRoot: root, store }) };
  }

  it.skipIf(!available)(
    'grants a free scope and refuses an overlapping one of another holder, by whole segments',
    async () => {
      const { root, manager } = setup();
      const holder = startIdleProcess();
      const first = await manager.acquire('alpha', ['src/a'], { pid: holder.pid });
      expect(first).toMatchObject({
        acquired: true,
        lock: { record: { loop_name: 'alpha', pid: holder.pid } },
      });
      const alpha = first.acquired ? first.lock.instance : '';
      for (const scope of ['src/a', 'src/a/deep/file.ts', 'src', 'src/b/../a']) {
        expect(await manager.acquire('beta', [scope]), scope).toMatchObject({
          acquired: false,
          reason: 'scope',
          conflict: { instance: alpha, record: { scope: [path.join(root, 'src/a')] } },
        });
      }
      expect((await manager.acquire('gamma', ['src/ab'])).acquired).toBe(true);
      expect((await manager.acquire('delta', ['docs', 'src/a/x'])).acquired).toBe(false);
    },
  );

  it.skipIf(!available)('treats an empty scope as the whole project', async () => {
    const { root, manager } = setup();
    const holder = startIdleProcess();
    const whole = await manager.acquire('everything', [], { pid: holder.pid });
    expect(whole.acquired && whole.lock.record.scope).toEqual([root]);
    expect((await manager.acquire('other', ['any/path'])).acquired).toBe(false);
  });

  it.skipIf(!available)(
    'names each acquisition of a loop apart and keeps explicit instances unique',
    async () => {
      const { manager } = setup();
      const a = startIdleProcess();
      const b = startIdleProcess();
      const first = await manager.acquire('loop', ['a'], { pid: a.pid });
      const second = await manager.acquire('loop', ['b'], { pid: b.pid });
      const names = [first, second].map((result) => (result.acquired ? result.lock.instance : ''));
      // ll-loop's `<loop>-YYYYmmddTHHMMSS`, and a random tail for two in one second.
      expect(names[0]).toMatch(/^loop-\d{8}T\d{6}-[0-9a-f]{8}$/);
      expect(names[1]).toMatch(/^loop-\d{8}T\d{6}-[0-9a-f]{8}$/);
      expect(names[0]).not.toBe(names[1]);
      const clash = await manager.acquire('other', ['c'], { pid: b.pid, instanceId: names[0] });
      expect(clash).toMatchObject({ acquired: false, reason: 'instance' });
    },
  );

  it.skipIf(!available)('enforces singletons by loop name whatever the scope', async () => {
    const { manager } = setup();
    const a = startIdleProcess();
    const solo = await manager.acquire('solo', ['a'], { pid: a.pid, singleton: true });
    expect(solo.acquired).toBe(true);
    expect(await manager.acquire('solo', ['b'], { singleton: true })).toMatchObject({
      acquired: false,
      reason: 'singleton',
    });
    expect((await manager.acquire('solo', ['b'])).acquired).toBe(true);
  });

  it.skipIf(!available)('lets one holder take overlapping scopes', async () => {
    const { manager } = setup();
    expect((await manager.acquire('outer', ['src'])).acquired).toBe(true);
    expect((await manager.acquire('inner', ['src/deep'])).acquired).toBe(true);
  });

  it.skipIf(!available)(
    "never lets an ancestor's lock conflict with its descendant, for scopes and singletons",
    async () => {
      const { manager } = setup();
      // This process holds the outer locks; the idle processes are its children.
      expect((await manager.acquire('outer', ['src'])).acquired).toBe(true);
      expect((await manager.acquire('solo', ['x'], { singleton: true })).acquired).toBe(true);
      const child = startIdleProcess();
      expect(await manager.acquire('inner', ['src/a'], { pid: child.pid })).toMatchObject({
        acquired: true,
      });
      expect(
        await manager.acquire('solo', ['y'], { singleton: true, pid: child.pid }),
      ).toMatchObject({ acquired: true });

      // A sibling of the child is excused from its parent's locks, not from the child's.
      const sibling = startIdleProcess();
      expect(await manager.acquire('sibling', ['src/a/b'], { pid: sibling.pid })).toMatchObject({
        acquired: false,
        reason: 'scope',
        conflict: { record: { loop_name: 'inner', pid: child.pid } },
      });
      expect(
        await manager.acquire('solo', ['z'], { singleton: true, pid: sibling.pid }),
      ).toMatchObject({
        acquired: false,
        reason: 'singleton',
        conflict: { record: { loop_name: 'solo', pid: child.pid } },
      });
    },
  );

  it.skipIf(!available)(
    'releases for the holder, refuses other live holders unless forced, reports missing',
    async () => {
      const { manager } = setup();
      const mine = await manager.acquire('mine', ['a']);
      if (!mine.acquired) throw new Error('not acquired');
      expect(await manager.release(mine.lock.instance)).toMatchObject({
        status: 'released',
        lock: { instance: mine.lock.instance },
      });
      expect(await manager.release(mine.lock.instance)).toEqual({
        status: 'missing',
        instance: mine.lock.instance,
      });

      const other = startIdleProcess();
      const theirs = await manager.acquire('theirs', ['a'], { pid: other.pid });
      if (!theirs.acquired) throw new Error('not acquired');
      expect(await manager.release(theirs.lock.instance)).toMatchObject({ status: 'refused' });
      expect((await manager.acquire('again', ['a'])).acquired).toBe(false);
      expect(await manager.release(theirs.lock.instance, { force: true })).toMatchObject({
        status: 'released',
      });
      expect((await manager.acquire('again', ['a'])).acquired).toBe(true);
    },
  );

  it.skipIf(!available)(
    'reaps the lock of a holder killed with SIGKILL, listing it first on a dry run',
    async () => {
      const { manager } = setup();
      const doomed = startIdleProcess();
      const survivor = startIdleProcess();
      await manager.acquire('doomed', ['src'], { pid: doomed.pid });
      await manager.acquire('survivor', ['docs'], { pid: survivor.pid });
      await killHard(doomed);
      const reason = `process ${doomed.pid} has exited`;

      const dry = await manager.reap({ dryRun: true });
      expect(dry.map((lock) => [lock.record.loop_name, lock.reason])).toEqual([['doomed', reason]]);
      const loopNames = (locks: { record: { loop_name: string } }[]) =>
        locks.map((lock) => lock.record.loop_name);
      expect(loopNames((await manager.listLocks()).reaped)).toEqual(['doomed']);
      expect(loopNames((await manager.listLocks()).locks)).toEqual(['survivor']);

      const again = startIdleProcess();
      await manager.acquire('again', ['src'], { pid: again.pid });
      await killHard(again);
      const next = await manager.acquire('next', ['src']);
      expect(next.acquired).toBe(true);
      expect(next.reaped.map((lock) => [lock.record.loop_name, lock.reason])).toEqual([
        ['again', `process ${again.pid} has exited`],
      ]);
    },
  );

  it.skipIf(!available)(
    'hands scope entries back absolute under the project root, with no problems',
    async () => {
      const { root, manager } = setup();
      const holder = startIdleProcess();
      await manager.acquire('many', ['src/a', 'docs/readme.md', 'lib/*.ts'], { pid: holder.pid });
      const snapshot = await manager.listLocks();
      expect(snapshot.problems).toEqual([]);
      expect(snapshot.locks.map((lock) => lock.record.scope)).toEqual([
        [path.join(root, 'src/a'), path.join(root, 'docs/readme.md'), path.join(root, 'lib/*.ts')],
      ]);
    },
  );

  it.skipIf(!available)(
    'exists once a lock was taken, keeps a held lock on renewal, and closes',
    async () => {
      const { store, manager } = setup();
      expect((await store.probe()).exists).toBe(false);
      const keeper = startIdleProcess();
      const held = await manager.acquire('kept', ['src'], { pid: keeper.pid });
      expect((await store.probe()).exists).toBe(true);
      if (!held.acquired) throw new Error('not acquired');
      expect(await store.renew(held.lock)).toMatchObject({
        renewed: true,
        lock: { instance: held.lock.instance },
      });
      expect((await manager.acquire('other', ['src'])).acquired).toBe(false);
      await store.close();
    },
  );
});
