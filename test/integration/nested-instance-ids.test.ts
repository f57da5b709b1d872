import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockRecordError, UsageError } from '../../src/errors.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import { killHard, startIdleProcess } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

function setup() {
  const root = makeTempDir();
  const loopsDir = path.join(root, '.loops');
  const runningDir = path.join(loopsDir, '.running');
  mkdirSync(runningDir, { recursive: true });
  return { root, runningDir, manager: new LockManager({ loopsDir, projectRoot: root }) };
}

/** A record in the shape today's little-loops writes, at `name` relative to `dir`. */
function writeRecord(dir: string, name: string, loopName: string, scope: string, pid: number) {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(
    path.join(dir, name),
    JSON.stringify({
      loop_name: loopName,
      scope: [scope],
      pid,
      started_at: new Date().toISOString(),
      singleton: false,
    }),
  );
}

const id = 'generated/inkscape-task-20261130T101500';

describe('a record one folder down, as little-loops writes an id with "/"', () => {
  it('is listed under its whole id, conflicts, and blocks waiting and the same id', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    writeRecord(runningDir, `${id}.lock`, 'inkscape', path.join(root, 'src'), holder.pid);

    const { locks, problems } = await manager.listLocks();
    expect(problems).toEqual([]);
    expect(locks.map((lock) => [lock.instance, lock.record.loop_name])).toEqual([[id, 'inkscape']]);
    const refused = await manager.acquire('other', ['src/a']);
    expect(refused).toMatchObject({ acquired: false, reason: 'scope', conflict: { instance: id } });
    expect((await manager.findConflict(['src/a']))?.instance).toBe(id);
    expect(await manager.waitForScope(['src/a'], { timeoutMs: 0 })).toBe(false);
    const sameId = await manager.acquire('other', ['docs'], { instanceId: id });
    expect(sameId).toMatchObject({ acquired: false, reason: 'instance' });
    expect(await manager.acquire('other', ['docs'])).toMatchObject({ acquired: true });
  });

  it('is reaped when its holder died, leaving the folder in place', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    writeRecord(runningDir, `${id}.lock`, 'inkscape', path.join(root, 'src'), holder.pid);
    await killHard(holder);

    const { locks, reaped } = await manager.listLocks();
    expect(locks).toEqual([]);
    expect(reaped.map((lock) => lock.instance)).toEqual([id]);
    expect(readdirSync(path.join(runningDir, 'generated'))).toEqual([]);
  });

  it('is released by its id, and only with force while a foreign holder lives', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    writeRecord(runningDir, `${id}.lock`, 'inkscape', path.join(root, 'src'), holder.pid);

    expect(await manager.release(id)).toMatchObject({ status: 'refused' });
    expect(await manager.release(id, { force: true })).toMatchObject({
      status: 'released',
      lock: { instance: id },
    });
    expect(existsSync(path.join(runningDir, `${id}.lock`))).toBe(false);
    expect(await manager.release(id)).toEqual({ status: 'missing', instance: id });
  });
});

describe('acquiring under an id with "/"', () => {
  it('writes the record flat in .running, the id kept whole, and releases it by that id', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    const result = await manager.acquire('inkscape', ['src'], { instanceId: id, pid: holder.pid });
    if (!result.acquired) throw new Error('not acquired');
    const flat = path.join(runningDir, 'generated%2Finkscape-task-20261130T101500.lock');
    expect(result.lock).toMatchObject({ instance: id, location: flat });
    // Nothing nested: the Python original reads only `.running/*.lock`.
    expect(readdirSync(runningDir).sort()).toEqual([
      '.acquire.lock',
      'generated%2Finkscape-task-20261130T101500.lock',
    ]);
    expect(JSON.parse(readFileSync(flat, 'utf8'))).toMatchObject({
      loop_name: 'inkscape',
      scope: [path.join(root, 'src')],
      instance: id,
    });
    expect((await manager.listLocks()).locks.map((lock) => lock.instance)).toEqual([id]);
    expect(await manager.acquire('other', ['src/a'])).toMatchObject({ acquired: false });
    expect(await manager.release(id, { force: true })).toMatchObject({ status: 'released' });
    expect(existsSync(flat)).toBe(false);
  });

  it.each(['a/b/c', '../x', '/abs', 'a/../b', 'generated/.x', 'a//b'])(
    'refuses %s before touching the directory',
    async (bad) => {
      const { runningDir, manager } = setup();
      await expect(manager.acquire('loop', ['src'], { instanceId: bad })).rejects.toThrow(
        UsageError,
      );
      await expect(manager.release(bad, { force: true })).rejects.toThrow(UsageError);
      expect(readdirSync(runningDir)).toEqual([]);
    },
  );
});

describe('folders in .running that are not read', () => {
  it('reports a symlinked folder and never follows it, not even to reap', async () => {
    const { root, runningDir, manager } = setup();
    const outside = makeTempDir();
    const dead = startIdleProcess();
    writeRecord(outside, 'task.lock', 'elsewhere', path.join(root, 'src'), dead.pid);
    await killHard(dead);
    symlinkSync(outside, path.join(runningDir, 'generated'));

    const { locks, problems, reaped } = await manager.listLocks();
    expect(locks).toEqual([]);
    expect(reaped).toEqual([]);
    expect(problems).toMatchObject([{ file: path.join(runningDir, 'generated'), blocking: true }]);
    expect(problems[0]!.reason).toMatch(/symbolic link to a folder.*does not follow/);
    await expect(manager.acquire('loop', ['docs'])).rejects.toThrow(LockRecordError);
    await expect(manager.release('generated/task', { force: true })).rejects.toThrow(
      /is a symbolic link to a folder, and scopeguard removes nothing through one/,
    );
    expect(readdirSync(outside)).toEqual(['task.lock']);
  });

  it('reports a folder nested deeper than ids go, and grants nothing while it is there', async () => {
    const { root, runningDir, manager } = setup();
    const holder = startIdleProcess();
    writeRecord(runningDir, 'a/b/deep.lock', 'deep', path.join(root, 'src'), holder.pid);

    const { problems } = await manager.listLocks();
    expect(problems).toMatchObject([{ file: path.join(runningDir, 'a', 'b'), blocking: true }]);
    expect(problems[0]!.reason).toMatch(/nested deeper than instance ids go/);
    await expect(manager.acquire('loop', ['docs'])).rejects.toThrow(LockRecordError);
  });
});
