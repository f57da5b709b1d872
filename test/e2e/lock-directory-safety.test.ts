import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { killHard, startIdleProcess } from '../support/processes.js';
import { makeTempRepo } from '../support/temp-dir.js';

const runningDir = (root: string) => path.join(root, '.loops', '.running');

async function acquire(root: string, name: string, pid: number) {
  const result = await runCli(
    ['locks', 'acquire', '--name', name, '--scope', name, '--pid', String(pid)],
    { cwd: root },
  );
  expect(result.code, result.stderr).toBe(0);
}

describe('the lock directory’s own files', () => {
  it('never removes or replaces the sentinel, even with --force', async () => {
    const root = makeTempRepo();
    await acquire(root, 'a', process.pid);
    const sentinel = path.join(runningDir(root), '.acquire.lock');
    const inode = statSync(sentinel).ino;
    for (const args of [
      ['--instance', '.acquire', '--force'],
      ['--instance', '.acquire'],
      ['--name', '.acquire', '--force'],
    ]) {
      const result = await runCli(['locks', 'release', ...args], { cwd: root });
      expect(result.code, args.join(' ')).not.toBe(4);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(statSync(sentinel).ino, args.join(' ')).toBe(inode);
    }
    const forced = await runCli(['locks', 'release', '--instance', '.acquire', '--force'], {
      cwd: root,
    });
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('".acquire"');
    expect(forced.stderr).toContain('.acquire.lock');
  });

  it('keeps dot-file records: live ones still conflict and cannot be released, dead ones stay', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    const doomed = startIdleProcess();
    await acquire(root, 'placeholder', process.pid);
    // The Python original reads every `*.lock`, dot-files included, so a loop named ".py" is real.
    const record = (pid: number, scope: string) =>
      JSON.stringify({
        loop_name: '.py',
        scope: [path.join(root, scope)],
        pid,
        started_at: new Date().toISOString().replace('Z', '+00:00'),
      });
    const live = record(holder.pid, 'src');
    writeFileSync(path.join(runningDir(root), '.py.lock'), live);
    writeFileSync(path.join(runningDir(root), '.gone.lock'), record(doomed.pid, 'docs'));
    await killHard(doomed);

    const conflict = await runCli(['locks', 'acquire', '--name', 'b', '--scope', 'src/x'], {
      cwd: root,
    });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('".py"');
    const release = await runCli(['locks', 'release', '--name', '.py', '--force'], { cwd: root });
    expect(release.code).toBe(2);

    const list = await runCli(['locks', 'list'], { cwd: root });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(
      `${path.join(runningDir(root), '.gone.lock')}: stale (process ${doomed.pid} has exited), but a dot-file`,
    );
    expect(readdirSync(runningDir(root))).toEqual(
      expect.arrayContaining(['.py.lock', '.gone.lock']),
    );
    expect(readFileSync(path.join(runningDir(root), '.py.lock'), 'utf8')).toBe(live);
  });
});
