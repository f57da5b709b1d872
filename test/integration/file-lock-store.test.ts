import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import { processAncestry } from '../../src/lock/own-locks.js';
import { currentPidNamespace, processStart } from '../../src/lock/process-identity.js';
import type { RecordProblem } from '../../src/lock/record-file.js';
import { makeTempDir } from '../support/temp-dir.js';
import { killHard, startIdleProcess } from '../support/processes.js';
import { makeDirectoryUnwritable } from '../support/read-only-dir.js';

function setup() {
  const root = makeTempDir();
  const loopsDir = path.join(root, '.loops');
  const manager = new LockManager({ loopsDir, projectRoot: root });
  const runningDir = path.join(loopsDir, '.running');
  return { root, loopsDir, runningDir, manager };
}

function writeRecord(runningDir: string, name: string, content: string | Buffer | object) {
  mkdirSync(runningDir, { recursive: true });
  writeFileSync(
    path.join(runningDir, name),
    typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content),
  );
}

describe('directory store', () => {
  it('creates a record in the Python format and refuses an overlapping scope of another holder', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    const first = await manager.acquire('alpha', ['src'], { pid: holder.pid, instanceId: 'alpha' });
    expect(first.acquired).toBe(true);
    const record = JSON.parse(readFileSync(path.join(runningDir, 'alpha.lock'), 'utf8'));
    expect(Object.keys(record).slice(0, 4)).toEqual(['loop_name', 'scope', 'pid', 'started_at']);
    expect(record).toMatchObject({
      loop_name: 'alpha',
      scope: [path.join(root, 'src')],
      pid: holder.pid,
    });
    expect(record.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(record.proc_start).toBe(processStart(holder.pid)?.token);

    const inside = await manager.acquire('beta', ['src/deep/file.ts']);
    expect(inside).toMatchObject({
      acquired: false,
      reason: 'scope',
      conflict: { instance: 'alpha' },
    });
    const sibling = await manager.acquire('gamma', ['srcx']);
    expect(sibling.acquired).toBe(true);
    expect(readdirSync(runningDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('treats an empty scope as the whole project root', async () => {
    const { root, manager } = setup();
    const holder = startIdleProcess();
    const whole = await manager.acquire('everything', [], { pid: holder.pid });
    expect(whole.acquired && whole.lock.record.scope).toEqual([root]);
    expect((await manager.acquire('other', ['any/path'])).acquired).toBe(false);
  });

  it('reads entries other writers left relative or unnormalised as absolute, normalised paths', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    await manager.acquire('other', ['x'], { pid: holder.pid, instanceId: 'other' });
    const file = path.join(runningDir, 'other.lock');
    const scope = ['src/a', `${root}//b/`, `${root}/c/./d/../e`, `${root}/f/..`, `${root}/g/h`];
    const record = JSON.parse(readFileSync(file, 'utf8'));
    writeRecord(runningDir, 'other.lock', { ...record, scope });
    const { locks } = await manager.listLocks();
    expect(locks.map((lock) => lock.record.scope)).toEqual([
      [`${root}/src/a`, `${root}/b`, `${root}/c/e`, root, `${root}/g/h`],
    ]);
  });

  it('names every acquisition apart, as ll-loop does, and keeps explicit instances unique', async () => {
    const { runningDir, manager } = setup();
    const a = startIdleProcess();
    const b = startIdleProcess();
    const first = await manager.acquire('loop', ['a'], { pid: a.pid });
    const second = await manager.acquire('loop', ['b'], { pid: b.pid });
    const names = [first, second].map((result) => (result.acquired ? result.lock.instance : ''));
    for (const name of names) expect(name).toMatch(/^loop-\d{8}T\d{6}-[0-9a-f]{8}$/);
    expect(names[0]).not.toBe(names[1]);
    // The record names itself, so a reader of the file alone knows its instance.
    const record = JSON.parse(readFileSync(path.join(runningDir, `${names[0]}.lock`), 'utf8'));
    expect(record).toMatchObject({ loop_name: 'loop', instance: names[0] });
    const clash = await manager.acquire('other', ['c'], { pid: b.pid, instanceId: names[0] });
    expect(clash).toMatchObject({ acquired: false, reason: 'instance' });
  });

  it('never publishes under the name of a record it reaped', async () => {
    const { runningDir, manager } = setup();
    const seen = new Set<string>();
    for (let round = 0; round < 5; round++) {
      const holder = startIdleProcess();
      const taken = await manager.acquire('loop', ['src'], { pid: holder.pid });
      if (!taken.acquired) throw new Error('not acquired');
      expect(seen.has(taken.lock.instance)).toBe(false);
      seen.add(taken.lock.instance);
      await killHard(holder);
    }
    expect((await manager.listLocks()).reaped).toHaveLength(1);
    expect(readdirSync(runningDir).filter((name) => !name.startsWith('.'))).toEqual([]);
  });

  it('never conflicts with a lock its holder’s ancestor holds, scope or singleton alike', async () => {
    const { manager } = setup();
    // This test's parent process stands in for the loop that started it.
    const parent = { pid: process.ppid, singleton: true };
    expect((await manager.acquire('outer', ['src'], parent)).acquired).toBe(true);
    expect((await manager.acquire('inner', ['src/a'])).acquired).toBe(true);
    expect((await manager.acquire('outer', ['docs'], { singleton: true })).acquired).toBe(true);
    expect(await manager.findConflict(['src'], { loopName: 'outer', singleton: true })).toBe(
      undefined,
    );
    // A lock of a process that is not an ancestor (here a child) still conflicts.
    const child = startIdleProcess();
    expect((await manager.acquire('child', ['lib'], { pid: child.pid })).acquired).toBe(true);
    expect(await manager.acquire('other', ['lib/b'])).toMatchObject({
      acquired: false,
      reason: 'scope',
    });
  });

  it('enforces singletons by loop name whatever the scope', async () => {
    const { manager } = setup();
    const a = startIdleProcess();
    expect((await manager.acquire('solo', ['a'], { pid: a.pid, singleton: true })).acquired).toBe(
      true,
    );
    expect(await manager.acquire('solo', ['b'], { singleton: true })).toMatchObject({
      acquired: false,
      reason: 'singleton',
    });
    expect((await manager.acquire('solo', ['b'])).acquired).toBe(true);
  });

  it('reaps the record of a holder killed with SIGKILL and frees its scope', async () => {
    const { runningDir, manager } = setup();
    const holder = startIdleProcess();
    expect(
      (await manager.acquire('doomed', ['src'], { pid: holder.pid, instanceId: 'doomed' }))
        .acquired,
    ).toBe(true);
    await killHard(holder);
    const result = await manager.acquire('next', ['src'], { instanceId: 'next' });
    expect(result.acquired).toBe(true);
    expect(result.reaped.map((lock) => [lock.instance, lock.reason])).toEqual([
      ['doomed', `process ${holder.pid} has exited`],
    ]);
    expect(readdirSync(runningDir).sort()).toEqual(['.acquire.lock', 'next.lock']);
  });

  it('does not mistake a reused pid for the holder', async () => {
    const { runningDir, manager } = setup();
    const reuser = startIdleProcess();
    // Python-shaped record: no start token, written an hour before the live process started.
    writeRecord(runningDir, 'legacy.lock', {
      loop_name: 'legacy',
      scope: ['/x'],
      pid: reuser.pid,
      started_at: new Date(Date.now() - 3600_000).toISOString(),
    });
    // Our record: the start token belongs to another process.
    writeRecord(runningDir, 'ours.lock', {
      loop_name: 'ours',
      scope: ['/y'],
      pid: reuser.pid,
      started_at: new Date().toISOString(),
      proc_start: 'linux:1',
    });
    // A legacy record written after its live holder started is kept.
    writeRecord(runningDir, 'kept.lock', {
      loop_name: 'kept',
      scope: ['/z'],
      pid: reuser.pid,
      started_at: new Date(Date.now() + 5000).toISOString(),
    });
    const snapshot = await manager.listLocks();
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['kept']);
    expect(Object.fromEntries(snapshot.reaped.map((lock) => [lock.instance, lock.reason]))).toEqual(
      {
        legacy: `pid ${reuser.pid} now belongs to a process started after the lock was taken`,
        ours: `pid ${reuser.pid} now belongs to a different process`,
      },
    );
  });

  // Judging a record asks kill(pid, 0); another writer (Python writes records in place) may
  // replace it before the reaper deletes it. The kernel's answer passes through untouched: the spy
  // only uses the moment to rewrite the file, in place, as a writer that ignores the sentinel would.
  it.each([
    { how: 'acquire', judgedBeforeReaping: 1, run: (m: LockManager) => m.acquire('mine', ['x']) },
    { how: 'list', judgedBeforeReaping: 2, run: (m: LockManager) => m.listLocks() },
  ])(
    'never reaps a record rewritten after it was judged ($how)',
    async ({ judgedBeforeReaping, run }) => {
      const { runningDir, manager } = setup();
      const doomed = startIdleProcess();
      const holder = startIdleProcess();
      await manager.acquire('stale', ['src'], { pid: doomed.pid, instanceId: 'stale' });
      await killHard(doomed);
      const file = path.join(runningDir, 'stale.lock');
      const replacement = JSON.stringify({
        loop_name: 'stale',
        scope: ['/new'],
        pid: holder.pid,
        started_at: new Date().toISOString(),
      });
      const kill = process.kill.bind(process);
      let judged = 0;
      const spy = vi.spyOn(process, 'kill').mockImplementation((pid, signal) => {
        if (pid === doomed.pid && signal === 0 && ++judged === judgedBeforeReaping) {
          writeFileSync(file, replacement);
        }
        return kill(pid, signal);
      });
      try {
        const result = await run(manager);
        expect(result.reaped).toEqual([]);
      } finally {
        spy.mockRestore();
      }
      expect(judged).toBe(judgedBeforeReaping);
      expect(readFileSync(file, 'utf8')).toBe(replacement);
    },
  );

  it('reaps records of an earlier boot and never judges records of another host by pid', async () => {
    const { runningDir, manager } = setup();
    const base = { scope: ['/x'], pid: 999_999_999, started_at: new Date().toISOString() };
    writeRecord(runningDir, 'elsewhere.lock', {
      ...base,
      loop_name: 'elsewhere',
      host: 'another-host.invalid',
    });
    const holder = startIdleProcess();
    writeRecord(runningDir, 'rebooted.lock', {
      ...base,
      loop_name: 'rebooted',
      pid: holder.pid,
      host: (await import('node:os')).hostname(),
      boot_id: 'an-earlier-boot',
    });
    const snapshot = await manager.listLocks();
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['elsewhere']);
    expect(snapshot.reaped.map((lock) => lock.reason)).toEqual([
      'the host has rebooted since the lock was taken',
    ]);
  });

  it('never judges by pid, nor takes as its own, a record from another pid namespace', async () => {
    const { runningDir, manager } = setup();
    const doomed = startIdleProcess();
    await killHard(doomed);
    const here = currentPidNamespace()!;
    const base = { scope: ['/x'], started_at: new Date().toISOString(), host: hostname() };
    writeRecord(runningDir, 'elsewhere.lock', {
      ...base,
      loop_name: 'elsewhere',
      pid: doomed.pid,
      pid_ns: `${here}0`,
    });
    writeRecord(runningDir, 'here.lock', {
      ...base,
      loop_name: 'here',
      pid: doomed.pid,
      pid_ns: here,
    });
    const snapshot = await manager.listLocks();
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['elsewhere']);
    expect(snapshot.reaped.map((lock) => lock.instance)).toEqual(['here']);

    // Our own pid, but in another namespace: another process's lock, so a conflict.
    writeRecord(runningDir, 'same-pid.lock', {
      ...base,
      loop_name: 'same-pid',
      scope: ['/y'],
      pid: process.pid,
      pid_ns: `${here}0`,
    });
    expect(await manager.acquire('mine', ['/y/a'])).toMatchObject({
      acquired: false,
      conflict: { instance: 'same-pid' },
    });
    expect(await manager.release('same-pid')).toMatchObject({ status: 'refused' });
  });

  it('reports records the Python original skips, on list and on acquire, and never deletes them', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    await manager.acquire('good', ['src'], { pid: holder.pid, instanceId: 'good' });
    writeRecord(runningDir, 'empty.lock', '');
    writeRecord(runningDir, 'truncated.lock', '{"loop_name": "x", "sco');
    writeRecord(runningDir, 'keyless.lock', { loop_name: 'x', scope: ['/a'], pid: holder.pid });
    symlinkSync(path.join(root, 'nowhere'), path.join(runningDir, 'dangling.lock'));

    const expected = {
      'empty.lock': 'empty file',
      'truncated.lock': 'not valid JSON (truncated or partly written?)',
      'keyless.lock': '"started_at" is missing',
      'dangling.lock': 'is a symbolic link to nothing',
    };
    const reasons = (problems: RecordProblem[]) =>
      Object.fromEntries(problems.map((p) => [path.basename(p.file), [p.reason, p.blocking]]));
    const snapshot = await manager.listLocks();
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['good']);
    const notBlocking = Object.fromEntries(
      Object.entries(expected).map(([name, reason]) => [name, [reason, false]]),
    );
    expect(reasons(snapshot.problems)).toEqual(notBlocking);
    // Acquisition goes on around them, says so, and they are all still there.
    const other = await manager.acquire('other', ['docs']);
    expect(other.acquired).toBe(true);
    expect(reasons(other.problems)).toEqual(notBlocking);
    expect(readdirSync(runningDir)).toEqual(expect.arrayContaining(Object.keys(expected)));
  });

  // Each of these makes the Python original raise (or read a lock we cannot judge) in acquire.
  it.each([
    { name: 'a JSON list', plant: (dir: string) => writeRecord(dir, 'x.lock', '[]') },
    {
      name: 'a pid int() cannot read',
      plant: (dir: string) =>
        writeRecord(dir, 'x.lock', {
          loop_name: 'x',
          scope: ['/a'],
          pid: 'one',
          started_at: 'now',
        }),
    },
    {
      name: 'a pid beyond 2^31',
      plant: (dir: string) =>
        writeRecord(dir, 'x.lock', {
          loop_name: 'x',
          scope: ['/a'],
          pid: 2 ** 31,
          started_at: 'now',
        }),
    },
    {
      name: 'a record over 1 MiB',
      plant: (dir: string) => writeRecord(dir, 'x.lock', `{"pad": "${'x'.repeat(1024 * 1024)}"}`),
    },
    {
      name: 'a directory',
      plant: (dir: string) => mkdirSync(path.join(dir, 'x.lock'), { recursive: true }),
    },
    {
      name: 'a symlink to a record',
      plant: (dir: string) => {
        writeRecord(dir, 'real.json', { loop_name: 'x', scope: ['/a'], pid: 1, started_at: 'now' });
        symlinkSync(path.join(dir, 'real.json'), path.join(dir, 'x.lock'));
      },
    },
    {
      name: 'bytes that are not UTF-8',
      plant: (dir: string) => writeRecord(dir, 'x.lock', Buffer.from([0x7b, 0xff, 0x7d])),
    },
    {
      name: 'a file name that is not UTF-8',
      plant: (dir: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(Buffer.from([...Buffer.from(`${dir}/x`), 0xff, ...Buffer.from('.lock')]), '');
      },
    },
    {
      name: 'a FIFO',
      plant: (dir: string) => {
        mkdirSync(dir, { recursive: true });
        execFileSync('mkfifo', [path.join(dir, 'x.lock')]);
      },
    },
  ])(
    'refuses every acquire while $name stands in the way, naming it, and deletes nothing',
    async ({ plant }) => {
      const { runningDir, manager } = setup();
      plant(runningDir);
      const entries = () => readdirSync(runningDir).filter((name) => name !== '.acquire.lock');
      const before = entries();
      const refusal = expect.objectContaining({
        code: 'unreadable-record',
        exitCode: 2,
        message: expect.stringContaining(`${runningDir}/x`),
      });
      await expect(manager.acquire('elsewhere', ['unrelated/path'])).rejects.toThrow(refusal);
      await expect(manager.waitForScope(['unrelated/path'], { timeoutMs: 0 })).rejects.toThrow(
        refusal,
      );
      const snapshot = await manager.listLocks();
      expect(snapshot.problems).toMatchObject([{ blocking: true }]);
      expect(entries()).toEqual(before);
    },
  );

  // A listed record is read with one read of a shared buffer; one larger than that buffer (64 KiB)
  // must still be read whole, not cut short or refused.
  it('reads a record of many scope entries, larger than one read, whole', async () => {
    const { runningDir, manager } = setup();
    const holder = startIdleProcess();
    const scope = Array.from({ length: 5000 }, (_, n) => `/project/src/module-${n}/index.ts`);
    writeRecord(runningDir, 'wide.lock', {
      loop_name: 'wide',
      scope,
      pid: holder.pid,
      started_at: new Date().toISOString(),
    });
    expect(statSync(path.join(runningDir, 'wide.lock')).size).toBeGreaterThan(128 * 1024);
    const snapshot = await manager.listLocks();
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.locks.map((lock) => lock.record.scope)).toEqual([scope]);
  });

  it('names a file whose name is not UTF-8 byte for byte', async () => {
    const { runningDir, manager } = setup();
    mkdirSync(runningDir, { recursive: true });
    writeFileSync(
      Buffer.from([...Buffer.from(`${runningDir}/caf`), 0xe9, ...Buffer.from('.lock')]),
      '{}',
    );
    expect((await manager.listLocks()).problems).toEqual([
      {
        stem: 'caf\\xe9',
        file: path.join(runningDir, 'caf\\xe9.lock'),
        reason: expect.stringMatching(/not valid UTF-8.*rename it/),
        blocking: true,
      },
    ]);
  });

  it('finds the overlap of a record naming a symlink, as Python resolves it', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    mkdirSync(path.join(root, 'src'));
    symlinkSync(path.join(root, 'src'), path.join(root, 'link'));
    writeRecord(runningDir, 'linked.lock', {
      loop_name: 'linked',
      scope: [path.join(root, 'link')],
      pid: holder.pid,
      started_at: new Date().toISOString(),
    });
    expect(await manager.acquire('mine', ['src/a'])).toMatchObject({
      acquired: false,
      reason: 'scope',
      conflict: { instance: 'linked' },
    });
  });

  it('refuses to release a live foreign holder without force, and releases with it', async () => {
    const { runningDir, manager } = setup();
    const holder = startIdleProcess();
    await manager.acquire('theirs', ['src'], { pid: holder.pid, instanceId: 'theirs' });
    expect(await manager.release('theirs')).toMatchObject({ status: 'refused' });
    expect(readdirSync(runningDir)).toContain('theirs.lock');
    expect(await manager.release('theirs', { force: true })).toMatchObject({ status: 'released' });
    expect(readdirSync(runningDir)).not.toContain('theirs.lock');
    expect(await manager.release('theirs')).toEqual({ status: 'missing', instance: 'theirs' });
  });

  it('releases its own locks without force', async () => {
    const { manager } = setup();
    const mine = await manager.acquire('mine', ['src'], { instanceId: 'mine' });
    expect(mine.acquired).toBe(true);
    expect(await manager.release('mine')).toMatchObject({ status: 'released' });
  });

  it('leaves a record in place, and says so, when it is rewritten while being released', async () => {
    const { root, loopsDir, runningDir, manager } = setup();
    await manager.acquire('mine', ['src'], { instanceId: 'mine' });
    const file = path.join(runningDir, 'mine.lock');
    const rewritten = readFileSync(file, 'utf8').replace('"mine"', '"next-holder"');
    // The store asks who the caller is after reading the record and before removing it: another
    // writer takes the name in exactly that window.
    const store = new FileLockStore({ loopsDir, projectRoot: root });
    const outcome = await store.release('mine', {
      caller: () => {
        writeFileSync(file, rewritten);
        return processAncestry();
      },
    });
    expect(outcome).toMatchObject({ status: 'changed', lock: { instance: 'mine' } });
    expect(readFileSync(file, 'utf8')).toBe(rewritten);
  });

  it('waits for a scope with backoff until the holder goes away, and times out otherwise', async () => {
    const { manager } = setup();
    const holder = startIdleProcess();
    await manager.acquire('busy', ['src'], { pid: holder.pid });
    const waits: number[] = [];
    expect(
      await manager.waitForScope(['src/a'], {
        timeoutMs: 1000,
        onWaiting: (_, ms) => waits.push(ms),
      }),
    ).toBe(false);
    // Backoff 50, 100, 200, 400 ms...: a handful of polls in a second, not a busy loop.
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.length).toBeLessThanOrEqual(6);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    setTimeout(() => holder.kill('SIGKILL'), 200);
    expect(await manager.waitForScope(['src/a'], { timeoutMs: 10_000 })).toBe(true);
  });

  it('waits for a singleton of its own loop name when it asks as that singleton', async () => {
    const { manager } = setup();
    const holder = startIdleProcess();
    await manager.acquire('autodev', ['src'], { pid: holder.pid, singleton: true });
    expect(await manager.waitForScope(['docs'], { timeoutMs: 0 })).toBe(true);
    const reasons: string[] = [];
    const asker = { loopName: 'autodev', singleton: true };
    expect(
      await manager.waitForScope(['docs'], {
        ...asker,
        timeoutMs: 200,
        onWaiting: (_, __, reason) => reasons.push(reason),
      }),
    ).toBe(false);
    expect(reasons[0]).toBe('singleton');
    expect((await manager.findConflict(['docs'], asker))?.record.loop_name).toBe('autodev');
  });

  it('stops waiting when cancelled', async () => {
    const { manager } = setup();
    const holder = startIdleProcess();
    await manager.acquire('busy', ['src'], { pid: holder.pid });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by test')), 100);
    await expect(
      manager.waitForScope(['src'], { timeoutMs: 10_000, signal: controller.signal }),
    ).rejects.toThrow('cancelled by test');
  });

  it('still reads a lock directory it may not write, reporting dead records it cannot reap', async ({
    skip,
  }) => {
    const { runningDir, manager } = setup();
    const live = startIdleProcess();
    const doomed = startIdleProcess();
    await manager.acquire('alive', ['a'], { pid: live.pid, instanceId: 'alive' });
    await manager.acquire('dead', ['b'], { pid: doomed.pid, instanceId: 'dead' });
    await killHard(doomed);
    if (!makeDirectoryUnwritable(runningDir))
      skip('cannot make a directory read-only here (root without chattr)');
    const snapshot = await manager.listLocks();
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['alive']);
    expect(snapshot.reaped).toEqual([]);
    expect(snapshot.problems).toEqual([
      {
        stem: 'dead',
        blocking: false,
        file: path.join(runningDir, 'dead.lock'),
        reason: expect.stringMatching(
          new RegExp(
            `^stale \\(process ${doomed.pid} has exited\\) but cannot be removed here \\((EPERM|EACCES)\\)$`,
          ),
        ),
      },
    ]);
    expect(readdirSync(runningDir)).toContain('dead.lock');
  });
});
