import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import { makeTempDir } from '../support/temp-dir.js';

function setup() {
  const root = makeTempDir();
  const loopsDir = path.join(root, '.loops');
  const runningDir = path.join(loopsDir, '.running');
  mkdirSync(runningDir, { recursive: true });
  return { root, loopsDir, runningDir, manager: new LockManager({ loopsDir, projectRoot: root }) };
}

describe('writing into the lock directory', () => {
  it('publishes a record through no planted symlink', async () => {
    const { runningDir, manager } = setup();
    const outside = path.join(makeTempDir(), 'precious');
    writeFileSync(outside, 'precious\n');
    // Temp files were once named after the pid and a counter, so these names were predictable.
    for (let n = 0; n < 200; n++) {
      symlinkSync(outside, path.join(runningDir, `.victim.${process.pid}.${n.toString(36)}.tmp`));
    }
    const result = await manager.acquire('victim', ['src'], { instanceId: 'victim' });
    expect(result.acquired).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
    expect(lstatSync(path.join(runningDir, 'victim.lock')).isFile()).toBe(true);
    const snapshot = await manager.listLocks();
    expect(snapshot.locks.map((lock) => lock.instance)).toEqual(['victim']);
    expect(snapshot.problems).toEqual([]);
    // Only the planted links are left: our own temp file is gone.
    expect(readdirSync(runningDir).filter((name) => name.endsWith('.tmp'))).toHaveLength(200);
  });

  it('refuses to release the sentinel through the store itself', async () => {
    const { root, loopsDir, runningDir, manager } = setup();
    await manager.acquire('a', ['src'], { instanceId: 'a' });
    const store = new FileLockStore({ loopsDir, projectRoot: root });
    await expect(store.release('.acquire', { force: true, caller: () => [] })).rejects.toThrow(
      /invalid instance id "\.acquire": it starts with a dot/,
    );
    expect(readdirSync(runningDir).sort()).toEqual(['.acquire.lock', 'a.lock']);
  });

  // Decision: `.loops` and `.running` may be symlinks, as the Python original allows. Whoever can
  // write there controls the loops and the project already; refusing would only split us from
  // Python, which keeps using the link's target. Inside `.running`, nothing is ever followed.
  it('follows a symlinked .running like the Python original, so both tools share one folder', async () => {
    const root = makeTempDir();
    const shared = path.join(makeTempDir(), 'running');
    mkdirSync(shared);
    mkdirSync(path.join(root, '.loops'));
    symlinkSync(shared, path.join(root, '.loops', '.running'));
    const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    expect((await manager.acquire('linked', ['src'], { instanceId: 'linked' })).acquired).toBe(
      true,
    );
    expect(readdirSync(shared).sort()).toEqual(['.acquire.lock', 'linked.lock']);
  });
});
