import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startIdleProcess } from '../support/processes.js';
import { makeTempRepo } from '../support/temp-dir.js';

function runningDirOf(root: string): string {
  const dir = path.join(root, '.loops', '.running');
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('scopeguard with records it cannot use', () => {
  it('locks acquire and run name a record the Python original skips, and go on', async () => {
    const root = makeTempRepo();
    const broken = path.join(runningDirOf(root), 'broken.lock');
    writeFileSync(broken, '{"loop_name": ');

    const acquired = await runCli(
      ['locks', 'acquire', '--name', 'mine', '--scope', 'src', '--pid', String(process.pid)],
      { cwd: root },
    );
    expect(acquired.code).toBe(0);
    expect(acquired.stdout).toMatch(/^mine-\d{8}T\d{6}-[0-9a-f]{8}\n$/);
    expect(acquired.stderr).toContain(`unreadable lock record ${broken}: not valid JSON`);

    const run = await runCli(['run', '--name', 'other', '--scope', 'docs', '--', 'true'], {
      cwd: root,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`unreadable lock record ${broken}`);
  });

  it('refuses with exit 2, naming the record and the fix, while the Python original would refuse', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    const runningDir = runningDirOf(root);
    // A live holder whose pid the Python original reads with int(): Python refuses "src".
    writeFileSync(
      path.join(runningDir, 'stringly.lock'),
      JSON.stringify({
        loop_name: 'stringly',
        scope: [path.join(root, 'src')],
        pid: String(holder.pid),
        started_at: new Date().toISOString(),
      }),
    );
    const conflict = await runCli(
      ['locks', 'acquire', '--name', 'mine', '--scope', 'src/a', '--pid', String(process.pid)],
      { cwd: root },
    );
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(`loop "stringly" (pid ${holder.pid}`);

    // A list where Python expects an object: Python's acquire raises, whatever the scope.
    const list = path.join(runningDir, 'list.lock');
    writeFileSync(list, '[]');
    for (const args of [
      ['locks', 'acquire', '--name', 'mine', '--scope', 'docs', '--pid', String(process.pid)],
      ['run', '--name', 'mine', '--scope', 'docs', '--', 'true'],
      ['locks', 'wait', '--scope', 'docs', '--timeout', '0'],
    ]) {
      const refused = await runCli(args, { cwd: root });
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(`${list}: a JSON array, not an object`);
      expect(refused.stderr).toContain('scopeguard locks release --instance NAME --force');
    }
    expect(readdirSync(runningDir).sort()).toEqual(['.acquire.lock', 'list.lock', 'stringly.lock']);
  });

  it('refuses a holder pid no process can have, and writes nothing', async () => {
    const root = makeTempRepo();
    for (const pid of ['2147483648', '4294967296']) {
      const result = await runCli(['locks', 'acquire', '--name', 'big', '--pid', pid], {
        cwd: root,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`no running process has pid ${pid}`);
    }
    expect(existsSync(path.join(root, '.loops', '.running', 'big.lock'))).toBe(false);
  });

  it('refuses to write a record larger than it reads, with exit 2 and nothing written', async () => {
    const root = makeTempRepo();
    const scope = Array.from({ length: 11_000 }, (_, n) => `src/${'m'.repeat(90)}-${n}`);
    const result = await runCli(
      ['locks', 'acquire', '--name', 'wide', '--pid', String(process.pid), '--scope', ...scope],
      { cwd: root },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/11000 scope entries .* lock fewer, broader paths/);
    expect(readdirSync(runningDirOf(root))).toEqual([]);
  });
});
