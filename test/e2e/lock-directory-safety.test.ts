import { execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli, runProcess, type CliResult } from '../support/cli.js';
import { eventually, killHard, startIdleProcess, track } from '../support/processes.js';
import { isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

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

    const conflict = await runCli(
      ['locks', 'acquire', '--name', 'b', '--scope', 'src/x', '--pid', String(process.pid)],
      { cwd: root },
    );
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

/** Run the built CLI through a program that changes how it runs (another user, a mount). */
function runCliThrough(prefix: string[], args: string[], cwd: string): Promise<CliResult> {
  return runProcess(prefix[0]!, [...prefix.slice(1), process.execPath, binPath, ...args], {
    cwd,
    env: isolatedEnv(),
  });
}

function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const isRoot = process.getuid?.() === 0;
const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
// A private mount namespace in which the given folder is mounted read-only (root only).
const readOnly = (dir: string) => [
  'unshare',
  '--mount',
  '--propagation',
  'private',
  'sh',
  '-c',
  'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
  dir,
];

describe('faults of the lock directory are environment errors, not crashes', () => {
  it('refuses a planted .acquire.lock symlink (exit 3) and creates nothing at its target', async () => {
    const root = makeTempRepo();
    const outside = makeTempDir();
    mkdirSync(runningDir(root), { recursive: true });
    const sentinel = path.join(runningDir(root), '.acquire.lock');
    const target = path.join(outside, 'created-by-the-lock');
    symlinkSync(target, sentinel);
    const result = await runCli(
      ['locks', 'acquire', '--name', 'a', '--scope', 'src', '--pid', String(process.pid)],
      { cwd: root },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(sentinel);
    expect(result.stderr).toContain('ELOOP');
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(runningDir(root))).toEqual(['.acquire.lock']);

    // A link to an existing file is refused too: Python's open(..., "w") would truncate it.
    writeFileSync(target, 'precious\n');
    const again = await runCli(
      ['locks', 'acquire', '--name', 'a', '--scope', 'src', '--pid', String(process.pid)],
      { cwd: root },
    );
    expect(again.code).toBe(3);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  it('reports a directory where the sentinel or a record belongs (exit 3 and 2), removing nothing', async () => {
    const root = makeTempRepo();
    mkdirSync(path.join(runningDir(root), '.acquire.lock'), { recursive: true });
    const acquired = await runCli(
      ['locks', 'acquire', '--name', 'a', '--scope', 'src', '--pid', String(process.pid)],
      { cwd: root },
    );
    expect(acquired.code).toBe(3);
    expect(acquired.stderr).toContain(path.join(runningDir(root), '.acquire.lock'));
    expect(acquired.stderr).toContain('EISDIR');

    const other = makeTempRepo();
    await acquire(other, 'placeholder', process.pid);
    const folder = path.join(runningDir(other), 'y.lock');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'keep'), 'x');
    const released = await runCli(['locks', 'release', '--instance', 'y', '--force'], {
      cwd: other,
    });
    expect(released.code).toBe(2);
    expect(released.stderr).toContain(`${folder} is a directory, not a lock record`);
    expect(readdirSync(folder)).toEqual(['keep']);
  });

  it.skipIf(!isRoot || !works('unshare', ['--mount', 'true']))(
    'acquiring on a read-only file system is exit 3 naming the directory; reading still works',
    async () => {
      const root = makeTempRepo();
      await acquire(root, 'held', process.pid);
      const doomed = startIdleProcess();
      await acquire(root, 'dead', doomed.pid);
      await killHard(doomed);
      const args = ['--name', 'b', '--scope', 'other', '--pid', String(process.pid)];
      const result = await runCliThrough(readOnly(root), ['locks', 'acquire', ...args], root);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain(runningDir(root));
      expect(result.stderr).toContain('EROFS');
      const list = await runCliThrough(readOnly(root), ['locks', 'list'], root);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('held');
      expect(list.stdout).toContain('cannot be removed here (EROFS)');
    },
  );

  it.skipIf(!isRoot || !works('setpriv', [...nobody.slice(1), 'true']))(
    'acquiring in a lock directory another user owns is exit 3 naming the path',
    async () => {
      const root = makeTempRepo();
      execFileSync('chown', ['-R', '65534:65534', root]);
      mkdirSync(runningDir(root), { recursive: true });
      chownSync(path.join(root, '.loops'), 65534, 65534);
      const args = [
        'locks',
        'acquire',
        '--name',
        'b',
        '--scope',
        'src',
        '--pid',
        String(process.pid),
      ];

      // No sentinel yet: it cannot be created.
      const first = await runCliThrough(nobody, args, root);
      expect(first.code, first.stderr).toBe(3);
      expect(first.stderr).toContain(path.join(runningDir(root), '.acquire.lock'));
      expect(first.stderr).toContain('EACCES');

      // The sentinel exists and locks read-only, but no record can be written.
      writeFileSync(path.join(runningDir(root), '.acquire.lock'), '');
      const second = await runCliThrough(nobody, args, root);
      expect(second.code, second.stderr).toBe(3);
      expect(second.stderr).toContain(runningDir(root));
      expect(second.stderr).toContain('EACCES');
      expect(readdirSync(runningDir(root))).toEqual(['.acquire.lock']);
    },
  );
});

/** The files a Linux process has open, from /proc. */
function openFiles(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
  } catch {
    return [];
  }
}

describe.skipIf(process.platform !== 'linux')('the sentinel between scopeguard processes', () => {
  it('serialises check-and-create: an acquirer waits while another holds it, then sees its record', async () => {
    const root = makeTempRepo();
    mkdirSync(runningDir(root), { recursive: true });
    const sentinel = path.join(runningDir(root), '.acquire.lock');
    const [firstHolder, secondHolder] = [startIdleProcess().pid, startIdleProcess().pid];
    // One process holds the sentinel through the library, and writes a record only when told to.
    const script = [
      `const { holdSentinel } = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'lock', 'sentinel.js'))});`,
      'const { writeFileSync } = await import("node:fs");',
      'const [dir, scope, pid] = process.argv.slice(1);',
      'const held = await holdSentinel(dir, 5000);',
      'console.log("held");',
      'const record = { loop_name: "first", scope: [scope], pid: Number(pid), started_at: new Date().toISOString().replace("Z", "+00:00") };',
      'process.stdin.setEncoding("utf8").on("data", () => { writeFileSync(dir + "/first.lock", JSON.stringify(record)); console.log("written"); });',
      'process.stdin.on("end", () => { held.release(); console.log("released"); });',
    ].join('\n');
    const first = track(
      spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          script,
          runningDir(root),
          path.join(root, 'src'),
          String(firstHolder),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      ),
    );
    const fromFirst = createInterface({ input: first.stdout })[Symbol.asyncIterator]();
    expect((await fromFirst.next()).value).toBe('held');

    const second = track(
      spawn(
        process.execPath,
        [
          binPath,
          'locks',
          'acquire',
          '--name',
          'second',
          '--scope',
          'src/a',
          '--pid',
          String(secondHolder),
        ],
        { cwd: root, env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    let stderr = '';
    second.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => second.on('exit', resolve));
    // The second acquirer has reached the sentinel, and is waiting there: no record yet.
    await eventually(() => (openFiles(second.pid!).includes(sentinel) ? true : undefined));
    expect(second.exitCode).toBeNull();
    expect(existsSync(path.join(runningDir(root), 'second.lock'))).toBe(false);

    // Inside the critical section, the holder creates its record; only then does it let go.
    first.stdin.write('write\n');
    expect((await fromFirst.next()).value).toBe('written');
    first.stdin.end();
    expect((await fromFirst.next()).value).toBe('released');

    expect(await exited).toBe(1);
    expect(stderr).toContain('scope is held by loop "first"');
    expect(existsSync(path.join(runningDir(root), 'second.lock'))).toBe(false);
  });
});
