import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { pythonIsoTimestamp } from '../../src/lock/lock-record.js';
import { holdSentinel } from '../../src/lock/sentinel.js';
import { killHard, startIdleProcess } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Two checkouts of one repository, `one` and `two`, each with its own lock directory, and the
 * store of `one` reading `two`'s as a peer.
 */
function twoCheckouts() {
  const parent = makeTempDir();
  const one = path.join(parent, 'one');
  const two = path.join(parent, 'two');
  const store = new FileLockStore({
    loopsDir: path.join(one, '.loops'),
    projectRoot: one,
    space: { roots: [one, two], peerLoopsDirs: [path.join(two, '.loops')] },
  });
  return { one, two, store, peerRunningDir: path.join(two, '.loops', '.running') };
}

/** A record as the Python original writes it into its own checkout, held by `pid`. */
function writePythonRecord(runningDir: string, name: string, scope: string[], pid: number) {
  mkdirSync(runningDir, { recursive: true });
  const record = { loop_name: name, scope, pid, started_at: pythonIsoTimestamp(new Date()) };
  writeFileSync(path.join(runningDir, `${name}.lock`), JSON.stringify(record));
}

describe('a store with the lock directories of other checkouts', () => {
  it('refuses a scope that a record in another checkout holds there, under its own path', async () => {
    const { one, two, store, peerRunningDir } = twoCheckouts();
    const holder = startIdleProcess();
    writePythonRecord(peerRunningDir, 'py-loop', [path.join(two, 'src')], holder.pid);

    const refused = await store.acquire({ loopName: 'mine', scope: [path.join(one, 'src', 'a')] });
    expect(refused).toMatchObject({ acquired: false, conflict: { instance: 'py-loop' } });
    const free = await store.acquire({ loopName: 'mine', scope: [path.join(one, 'docs')] });
    expect(free.acquired).toBe(true);
  });

  it('lists and reaps the records of every directory', async () => {
    const { two, store, peerRunningDir } = twoCheckouts();
    const live = startIdleProcess();
    const dead = startIdleProcess();
    writePythonRecord(peerRunningDir, 'alive', [path.join(two, 'src')], live.pid);
    writePythonRecord(peerRunningDir, 'gone', [path.join(two, 'docs')], dead.pid);
    await killHard(dead);

    const snapshot = await store.snapshot();
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['alive']);
    expect(snapshot.reaped.map((lock) => lock.instance)).toEqual(['gone']);
    expect(existsSync(path.join(peerRunningDir, 'gone.lock'))).toBe(false);
  });

  it('leaves out, in every directory, the live locks `keep` turns down, and still reaps', async () => {
    const { one, two, store, peerRunningDir } = twoCheckouts();
    const live = startIdleProcess();
    const dead = startIdleProcess();
    const ownRunningDir = path.join(one, '.loops', '.running');
    writePythonRecord(ownRunningDir, 'kept', [path.join(one, 'src')], live.pid);
    writePythonRecord(ownRunningDir, 'other-folder', [path.join(one, 'docs')], live.pid);
    writePythonRecord(ownRunningDir, 'gone', [path.join(one, 'src')], dead.pid);
    writePythonRecord(peerRunningDir, 'peer-other-folder', [path.join(two, 'docs')], live.pid);
    await killHard(dead);

    const snapshot = await store.snapshot({ keep: (lock) => lock.instance === 'kept' });
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['kept']);
    expect(snapshot.leftOut).toBe(2);
    expect(snapshot.reaped.map((lock) => lock.instance)).toEqual(['gone']);
    expect(existsSync(path.join(ownRunningDir, 'gone.lock'))).toBe(false);
    // Left out of the answer, not out of the directory.
    expect(existsSync(path.join(ownRunningDir, 'other-folder.lock'))).toBe(true);
    const all = await store.snapshot();
    expect(all.locks.map((lock) => lock.instance).sort()).toEqual([
      'kept',
      'other-folder',
      'peer-other-folder',
    ]);
    expect(all.leftOut).toBeUndefined();
  });

  it('reads a peer directory created while it waited for its own sentinel', async () => {
    const { one, two, store, peerRunningDir } = twoCheckouts();
    const ownRunningDir = path.join(one, '.loops', '.running');
    mkdirSync(ownRunningDir, { recursive: true });
    // Hold our own sentinel, so the acquisition finds only its own directory and then waits;
    // meanwhile the Python original in the other checkout takes the scope there.
    const ours = await holdSentinel(ownRunningDir, 5_000);
    const pending = store.acquire({ loopName: 'mine', scope: [path.join(one, 'src')] });
    const holder = startIdleProcess();
    writePythonRecord(peerRunningDir, 'py-loop', [path.join(two, 'src')], holder.pid);
    ours.release();

    expect(await pending).toMatchObject({ acquired: false, conflict: { instance: 'py-loop' } });
  });
});
