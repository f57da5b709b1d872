import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import { holdSentinel } from '../../src/lock/sentinel.js';
import { runCli } from '../support/cli.js';
import { killHard, startIdleProcess, track } from '../support/processes.js';
import { python, pythonAvailable, seedDir } from '../support/python-peer.js';
import { makeTempDir } from '../support/temp-dir.js';

const acquireInPython = `
import sys
from pathlib import Path
from concurrency import LockManager
ok = LockManager(Path(sys.argv[1])).acquire(sys.argv[2], sys.argv[3:])
print("acquired" if ok else "conflict")
`;

/** A Python process that holds a lock until killed; resolves once it holds. */
async function pythonHolder(root: string, name: string, scope: string[]) {
  const child = track(
    spawn(
      'python3',
      [
        '-c',
        `${acquireInPython}\nsys.stdout.flush()\nimport time\ntime.sleep(300)`,
        path.join(root, '.loops'),
        name,
        ...scope,
      ],
      {
        cwd: root,
        env: { ...process.env, PYTHONPATH: seedDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    ),
  );
  const [line] = await new Promise<string[]>((resolve) =>
    createInterface({ input: child.stdout }).once('line', (l) => resolve([l])),
  );
  return { child, line };
}

describe.skipIf(!pythonAvailable)('sharing .loops/.running with the Python original', () => {
  it('Python sees our record as a conflict and lists it', async () => {
    const root = makeTempDir();
    const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    const holder = startIdleProcess();
    expect((await manager.acquire('ours', ['src'], { pid: holder.pid })).acquired).toBe(true);

    expect(
      python(acquireInPython, root, [path.join(root, '.loops'), 'theirs', 'src/deep']).trim(),
    ).toBe('conflict');
    expect(
      python(acquireInPython, root, [path.join(root, '.loops'), 'theirs', 'docs']).trim(),
    ).toBe('acquired');
    const listed = python(
      'import sys, json\nfrom pathlib import Path\nfrom concurrency import LockManager\n' +
        'print(json.dumps(sorted(l.loop_name for l in LockManager(Path(sys.argv[1])).list_locks())))',
      root,
      [path.join(root, '.loops')],
    );
    // 'theirs' was held by a Python process that has exited since, so Python reaps it itself.
    expect(JSON.parse(listed)).toEqual(['ours']);
  });

  it("we see Python's record as a conflict, by the same scope rules", async () => {
    const root = makeTempDir();
    const { line } = await pythonHolder(root, 'theirs', ['src']);
    expect(line).toBe('acquired');
    const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    expect(await manager.acquire('ours', ['src/a.ts'])).toMatchObject({
      acquired: false,
      reason: 'scope',
      conflict: {
        instance: 'theirs',
        record: { loop_name: 'theirs', scope: [path.join(root, 'src')] },
      },
    });
    expect((await manager.acquire('ours', ['srcx'])).acquired).toBe(true);
    const cli = await runCli(
      ['locks', 'acquire', '--name', 'cli', '--scope', 'src/b', '--pid', String(process.pid)],
      {
        cwd: root,
      },
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('loop "theirs"');
  });

  it('reaps a Python record whose holder died, and Python accepts the freed scope', async () => {
    const root = makeTempDir();
    const { child, line } = await pythonHolder(root, 'doomed', ['src']);
    expect(line).toBe('acquired');
    await killHard(child);
    const list = await runCli(['locks', 'list', '--json'], { cwd: root });
    expect(list.code).toBe(0);
    const report = JSON.parse(list.stdout);
    expect(report.locks).toEqual([]);
    expect(report.reaped).toMatchObject([
      { instance: 'doomed', pid: child.pid, reason: `process ${child.pid} has exited` },
    ]);
    expect(existsSync(path.join(root, '.loops', '.running', 'doomed.lock'))).toBe(false);
    expect(python(acquireInPython, root, [path.join(root, '.loops'), 'next', 'src']).trim()).toBe(
      'acquired',
    );
  });

  it('our sentinel excludes Python, and Python holding it stops us', async () => {
    const root = makeTempDir();
    const runningDir = path.join(root, '.loops', '.running');
    const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    await manager.acquire('init', ['x']); // creates the directory
    const tryPythonFlock =
      'import fcntl, sys\nf = open(sys.argv[1], "a")\n' +
      'try:\n    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n    print("free")\nexcept BlockingIOError:\n    print("held")';
    const sentinel = path.join(runningDir, '.acquire.lock');
    const held = await holdSentinel(runningDir, 5000);
    expect(python(tryPythonFlock, root, [sentinel]).trim()).toBe('held');
    held.release();
    expect(python(tryPythonFlock, root, [sentinel]).trim()).toBe('free');

    const blocker = track(
      spawn(
        'python3',
        [
          '-c',
          'import fcntl, sys, time\nf = open(sys.argv[1], "w")\nfcntl.flock(f, fcntl.LOCK_EX)\nprint("locked", flush=True)\ntime.sleep(300)',
          sentinel,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    await new Promise((resolve) =>
      createInterface({ input: blocker.stdout }).once('line', resolve),
    );
    const slow = new LockManager({
      projectRoot: root,
      store: new FileLockStore({
        loopsDir: path.join(root, '.loops'),
        projectRoot: root,
        sentinelTimeoutMs: 300,
      }),
    });
    await expect(slow.acquire('ours', ['y'])).rejects.toMatchObject({
      code: 'sentinel-timeout',
      exitCode: 3,
    });
    await killHard(blocker);
    expect((await slow.acquire('ours', ['y'])).acquired).toBe(true);
    expect(readFileSync(sentinel, 'utf8')).toBe('');
  });

  it('waits out a record Python is still writing under the sentinel instead of reporting it broken', async () => {
    const root = makeTempDir();
    const runningDir = path.join(root, '.loops', '.running');
    const holder = startIdleProcess();
    // Python writes records in place while holding the sentinel; emulate a slow writer caught
    // between its first and last byte.
    const writer = track(
      spawn(
        'python3',
        [
          '-c',
          [
            'import fcntl, json, os, sys, time',
            'running, pid = sys.argv[1], int(sys.argv[2])',
            'os.makedirs(running, exist_ok=True)',
            'sentinel = open(os.path.join(running, ".acquire.lock"), "w")',
            'fcntl.flock(sentinel, fcntl.LOCK_EX)',
            'from datetime import UTC, datetime',
            'now = datetime.now(UTC).isoformat()',
            'record = json.dumps({"loop_name": "slow", "scope": ["/x"], "pid": pid, "started_at": now})',
            'f = open(os.path.join(running, "slow.lock"), "w")',
            'f.write(record[:20]); f.flush()',
            'print("partial", flush=True)',
            'time.sleep(0.5)',
            'f.write(record[20:]); f.close()',
            'fcntl.flock(sentinel, fcntl.LOCK_UN)',
            'time.sleep(300)',
          ].join('\n'),
          runningDir,
          String(holder.pid),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    await new Promise((resolve) => createInterface({ input: writer.stdout }).once('line', resolve));
    expect(readFileSync(path.join(runningDir, 'slow.lock'), 'utf8')).toHaveLength(20);
    const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
    const snapshot = await manager.listLocks();
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.locks.map((lock) => lock.record.loop_name)).toEqual(['slow']);
  });

  it('lists and force-releases a Python record whose loop name is not a portable file name', async () => {
    const root = makeTempDir();
    const { line } = await pythonHolder(root, 'fix tests', ['src']);
    expect(line).toBe('acquired');
    const list = await runCli(['locks', 'list', '--json'], { cwd: root });
    expect(JSON.parse(list.stdout).locks).toMatchObject([
      { instance: 'fix tests', loop_name: 'fix tests' },
    ]);
    const refused = await runCli(['locks', 'release', '--instance', 'fix tests'], { cwd: root });
    expect(refused.code).toBe(1);
    const forced = await runCli(['locks', 'release', '--instance', 'fix tests', '--force'], {
      cwd: root,
    });
    expect(forced).toMatchObject({ code: 0, stdout: 'released fix tests\n' });
    expect(existsSync(path.join(root, '.loops', '.running', 'fix tests.lock'))).toBe(false);
    const escape = await runCli(['locks', 'release', '--instance', '../fix tests', '--force'], {
      cwd: root,
    });
    expect(escape.code).toBe(2);
  });
});
