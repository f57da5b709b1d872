import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockManager } from '../../src/lock/lock-manager.js';
import { binPath, repoRoot } from '../support/cli.js';
import { startIdleProcess } from '../support/processes.js';
import { isolatedEnv, makeTempDir } from '../support/temp-dir.js';

// kill(pid, 0) answers EPERM when the process exists but belongs to another user: alive, as in
// the Python original. A suite running as root never sees EPERM, so these checks run the liveness
// code as an unprivileged user against a process of ours.
const nobody = 65534;
const isRoot = process.getuid?.() === 0;
const canDropPrivileges =
  isRoot &&
  spawnSync('setpriv', [`--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', 'true'])
    .status === 0;

/** Run node as the unprivileged user, with the environment the CLI tests use; returns stdout. */
function nodeAsNobody(args: string[], cwd: string): string {
  return execFileSync(
    'setpriv',
    [`--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', '--', process.execPath, ...args],
    { cwd, env: isolatedEnv({ HOME: cwd }), encoding: 'utf8' },
  );
}

describe.skipIf(!canDropPrivileges)('liveness when kill(pid, 0) answers EPERM', () => {
  it('counts a process of another user as alive', () => {
    const holder = startIdleProcess();
    const identity = path.join(repoRoot, 'dist', 'lock', 'process-identity.js');
    const out = nodeAsNobody(
      [
        '--input-type=module',
        '-e',
        `const pid = ${holder.pid};
         let code = 'none';
         try { process.kill(pid, 0); } catch (error) { code = error.code; }
         const { pidExists } = await import(${JSON.stringify(identity)});
         console.log(JSON.stringify({ code, exists: pidExists(pid) }));`,
      ],
      repoRoot,
    );
    expect(JSON.parse(out)).toEqual({ code: 'EPERM', exists: true });
  });

  it("neither reaps nor hides another user's live lock, even where it could remove it", async () => {
    const root = makeTempDir();
    const loopsDir = path.join(root, '.loops');
    const runningDir = path.join(loopsDir, '.running');
    const holder = startIdleProcess();
    const manager = new LockManager({ loopsDir, projectRoot: root });
    expect(
      (await manager.acquire('root-held', ['src'], { pid: holder.pid, instanceId: 'root-held' }))
        .acquired,
    ).toBe(true);
    // Everything writable for the other user, so a wrong "dead" would really delete the record.
    chmodSync(root, 0o755);
    chmodSync(loopsDir, 0o755);
    chmodSync(runningDir, 0o777);
    chmodSync(path.join(runningDir, '.acquire.lock'), 0o666);
    const record = path.join(runningDir, 'root-held.lock');
    const before = readFileSync(record, 'utf8');

    const listed = JSON.parse(
      nodeAsNobody([binPath, 'locks', 'list', '--json', '--loops-dir', loopsDir], root),
    ) as { locks: { instance: string; pid: number }[]; reaped: unknown[]; problems: unknown[] };
    expect(listed.reaped).toEqual([]);
    expect(listed.problems).toEqual([]);
    expect(listed.locks).toMatchObject([{ instance: 'root-held', pid: holder.pid }]);
    expect(existsSync(record) && readFileSync(record, 'utf8')).toBe(before);
  });
});
