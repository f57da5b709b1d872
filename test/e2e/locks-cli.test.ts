import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { pidExists, readPsTable } from '../../src/lock/process-identity.js';
import { binPath, repoRoot, runCli } from '../support/cli.js';
import { recordNames, runningDir } from '../support/lock-records.js';
import { eventually, killHard, startIdleProcess, track } from '../support/processes.js';
import { isolatedEnv, makeTempRepo } from '../support/temp-dir.js';

const records = recordNames;

describe('scopeguard CLI: usage', () => {
  it('prints help with exit 0 and refuses unknown commands and flags with exit 2', async () => {
    const root = makeTempRepo();
    const help = await runCli(['--help'], { cwd: root });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/scopeguard locks +Acquire, release/);
    expect(help.stdout).toContain('scopeguard run');
    const version = await runCli(['--version'], { cwd: root });
    expect(version).toMatchObject({
      code: 0,
      stdout: `${JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}\n`,
    });
    for (const args of [['frobnicate'], ['locks', 'list', '--jsonn'], ['locks'], []]) {
      const result = await runCli(args, { cwd: root });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/scopeguard: .+\n/);
    }
  });

  it('refuses names that could escape the lock directory with exit 2 and writes nothing', async () => {
    const root = makeTempRepo();
    const pid = ['--pid', String(process.pid)];
    for (const args of [
      ['--name', '../x', ...pid],
      ['--name', 'a/b', ...pid],
      ['--name', '/abs', ...pid],
      ['--name', 'ok', '--instance', '../../etc/x', ...pid],
      ['--name', 'ok', '--pid', '999999999'],
      ['--name', 'ok', '--wait', '-1', ...pid],
    ]) {
      const result = await runCli(['locks', 'acquire', '--scope', 'src', ...args], { cwd: root });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^scopeguard: /);
    }
    expect(records(root)).toEqual([]);
  });
});

describe('scopeguard locks', () => {
  it('explains a lock directory blocked by a file (exit 3) instead of crashing', async () => {
    const root = makeTempRepo();
    writeFileSync(path.join(root, '.loops'), 'not a directory\n');
    for (const args of [
      [
        'locks',
        'acquire',
        '--name',
        'a',
        '--instance',
        'a',
        '--scope',
        'x',
        '--pid',
        String(process.pid),
      ],
      ['locks', 'list'],
      ['check'],
    ]) {
      const result = await runCli(args, { cwd: root });
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr).toContain(path.join(root, '.loops', '.running'));
      expect(result.stderr).toContain('ENOTDIR');
      expect(result.stderr).not.toContain('internal error');
    }
    expect(readFileSync(path.join(root, '.loops'), 'utf8')).toBe('not a directory\n');
  });

  it('acquires, conflicts, lists (text and JSON), releases', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    const acquired = await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'refactor',
        '--scope',
        'src',
        'docs/api',
        '--pid',
        String(holder.pid),
      ],
      { cwd: root },
    );
    expect(acquired.code).toBe(0);
    // Every acquisition gets a name of its own, in ll-loop's shape with a random tail.
    expect(acquired.stdout).toMatch(/^refactor-\d{8}T\d{6}-[0-9a-f]{8}\n$/);
    const id = acquired.stdout.trim();

    const conflict = await runCli(
      ['locks', 'acquire', '--name', 'tests', '--scope', 'src/a', '--pid', String(process.pid)],
      { cwd: root },
    );
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toBe('');
    expect(conflict.stderr).toContain(
      `not acquired: scope is held by loop "refactor" (instance ${id}, pid ${holder.pid}`,
    );
    expect(conflict.stderr).toContain('on src, docs/api');

    const text = await runCli(['locks', 'list'], { cwd: root });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^LOOP +INSTANCE +PID +HOST +AGE +SCOPE\n/);
    expect(text.stdout).toMatch(
      new RegExp(`refactor +${id} +${holder.pid} +\\S+ +\\d+s +src docs/api\\n`),
    );

    mkdirSync(path.join(root, 'sub'));
    const json = await runCli(['locks', 'list', '--json'], { cwd: path.join(root, 'sub') });
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      schemaVersion: 1,
      loopsDir: path.join(root, '.loops'),
      locks: [
        {
          instance: id,
          loop_name: 'refactor',
          pid: holder.pid,
          singleton: false,
          scope: [path.join(root, 'src'), path.join(root, 'docs/api')],
          file: path.join(runningDir(root), `${id}.lock`),
        },
      ],
      problems: [],
      reaped: [],
    });
    expect(report.locks[0].ageSeconds).toBeGreaterThanOrEqual(0);

    const refused = await runCli(['locks', 'release', '--instance', id], { cwd: root });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
    expect(records(root)).toEqual([`${id}.lock`]);
    const forced = await runCli(['locks', 'release', '--name', 'refactor', '--force'], {
      cwd: root,
    });
    expect(forced).toMatchObject({ code: 0, stdout: `released ${id}\n` });
    expect(records(root)).toEqual([]);
    const again = await runCli(['locks', 'release', '--instance', id], { cwd: root });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already released');
  });

  it('lists locks oldest first, whatever their names', async () => {
    const root = makeTempRepo();
    for (const name of ['zeta', 'alpha', 'mid']) {
      await runCli(
        ['locks', 'acquire', '--name', name, '--scope', name, '--pid', String(process.pid)],
        { cwd: root },
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const listed = JSON.parse((await runCli(['locks', 'list', '--json'], { cwd: root })).stdout);
    expect(listed.locks.map((lock: { loop_name: string }) => lock.loop_name)).toEqual([
      'zeta',
      'alpha',
      'mid',
    ]);
  });

  it('reaps stale records (dry run first) and lists unreadable ones by file name', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'gone',
        '--instance',
        'gone',
        '--scope',
        'x',
        '--pid',
        String(holder.pid),
      ],
      { cwd: root },
    );
    await killHard(holder);
    writeFileSync(path.join(runningDir(root), 'broken.lock'), '{"loop_name": ');

    const dry = await runCli(['locks', 'reap', '--dry-run'], { cwd: root });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would reap gone: loop "gone" (pid ${holder.pid}`);
    expect(records(root).sort()).toEqual(['broken.lock', 'gone.lock']);

    const list = await runCli(['locks', 'list'], { cwd: root });
    expect(list.code).toBe(0);
    expect(list.stderr).toContain(`reaped stale lock gone: loop "gone" (pid ${holder.pid}`);
    expect(list.stdout).toContain('No live locks');
    expect(list.stdout).toContain(`${path.join(runningDir(root), 'broken.lock')}: not valid JSON`);
    expect(records(root)).toEqual(['broken.lock']);

    const reap = await runCli(['locks', 'reap'], { cwd: root });
    expect(reap).toMatchObject({ code: 0, stdout: '' });
    expect(reap.stderr).toContain('no stale locks');
  });

  it('waits for a scope: times out with exit 1, returns 0 once the holder is gone', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    await runCli(
      ['locks', 'acquire', '--name', 'busy', '--scope', 'src', '--pid', String(holder.pid)],
      { cwd: root },
    );
    const timedOut = await runCli(['locks', 'wait', '--scope', 'src/x', '--timeout', '0.3'], {
      cwd: root,
    });
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toContain('still held by busy');
    const negative = await runCli(['locks', 'wait', '--scope', 'src', '--timeout', '-1'], {
      cwd: root,
    });
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--timeout takes a number of seconds >= 0, not -1');
    const word = await runCli(['locks', 'wait', '--scope', 'src', '--timeout', 'abc'], {
      cwd: root,
    });
    expect(word.code).toBe(2);
    expect(word.stderr).toContain(
      '--timeout takes a number of seconds >= 0 (for example --timeout 30); what was given is not a number',
    );
    // no time to poll twice: the holder is still named
    const immediate = await runCli(['locks', 'wait', '--scope', 'src/x', '--timeout', '0'], {
      cwd: root,
    });
    expect(immediate.code).toBe(1);
    expect(immediate.stderr).toContain('still held by busy');
    for (const scope of [[], ['--scope', '']]) {
      const unnamed = await runCli(['locks', 'wait', ...scope, '--timeout', '0'], { cwd: root });
      expect(unnamed.code, unnamed.stderr).toBe(2);
      expect(unnamed.stderr).toContain('locks wait needs --scope PATH...: the paths to wait for');
    }
    setTimeout(() => holder.kill('SIGKILL'), 300);
    const freed = await runCli(['locks', 'wait', '--scope', 'src/x', '--timeout', '20'], {
      cwd: root,
    });
    expect(freed.code).toBe(0);
    const acquiredAfterWait = runCli(
      [
        'locks',
        'acquire',
        '--name',
        'next',
        '--scope',
        'src',
        '--pid',
        String(process.pid),
        '--wait',
        '5',
      ],
      { cwd: root },
    );
    expect((await acquiredAfterWait).code).toBe(0);
  });

  it('honours --loops-dir, SCOPEGUARD_LOOPS_DIR and little-loops config, and reports a broken config', async () => {
    const root = makeTempRepo();
    const pid = String(process.pid);
    await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'a',
        '--instance',
        'a',
        '--scope',
        'x',
        '--pid',
        pid,
        '--loops-dir',
        'custom',
      ],
      { cwd: root },
    );
    expect(existsSync(path.join(root, 'custom', '.running', 'a.lock'))).toBe(true);
    await runCli(
      ['locks', 'acquire', '--name', 'b', '--instance', 'b', '--scope', 'x', '--pid', pid],
      {
        cwd: root,
        env: { SCOPEGUARD_LOOPS_DIR: 'from-env' },
      },
    );
    expect(existsSync(path.join(root, 'from-env', '.running', 'b.lock'))).toBe(true);
    mkdirSync(path.join(root, '.ll'));
    writeFileSync(
      path.join(root, '.ll', 'll-config.json'),
      JSON.stringify({ loops: { loops_dir: 'var/loops' } }),
    );
    mkdirSync(path.join(root, 'deep', 'er'), { recursive: true });
    await runCli(
      ['locks', 'acquire', '--name', 'c', '--instance', 'c', '--scope', 'x', '--pid', pid],
      {
        cwd: path.join(root, 'deep', 'er'),
      },
    );
    expect(existsSync(path.join(root, 'var', 'loops', '.running', 'c.lock'))).toBe(true);
    writeFileSync(path.join(root, '.ll', 'll-config.json'), '{ broken');
    const broken = await runCli(['locks', 'list'], { cwd: root });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(path.join(root, '.ll', 'll-config.json'));
  });
});

/** `scopeguard run --name job --instance job --scope src -- COMMAND` as a real process, its stdout piped. */
function startRun(root: string, command: string[], options: { detached?: boolean } = {}) {
  return track(
    spawn(
      process.execPath,
      [binPath, 'run', '--name', 'job', '--instance', 'job', '--scope', 'src', '--', ...command],
      {
        cwd: root,
        env: isolatedEnv(),
        stdio: ['ignore', 'pipe', 'inherit'],
        ...options,
      },
    ),
  );
}

describe('scopeguard run', () => {
  it('holds the lock while the command runs, tells it which lock, and exits with its code', async () => {
    const root = makeTempRepo();
    const result = await runCli(
      [
        'run',
        '--name',
        'job',
        '--scope',
        'src',
        '--',
        'sh',
        '-c',
        'cat "$SCOPEGUARD_LOCK_FILE"; echo; echo "$SCOPEGUARD_LOCK_INSTANCE $SCOPEGUARD_LOCK_NAME"; exit 7',
      ],
      { cwd: root },
    );
    expect(result.code).toBe(7);
    const [recordLine, envLine] = result.stdout.split('\n');
    expect(JSON.parse(recordLine!)).toMatchObject({
      loop_name: 'job',
      scope: [path.join(root, 'src')],
    });
    expect(envLine).toMatch(/^job-\d{8}T\d{6}-[0-9a-f]{8} job$/);
    expect(records(root)).toEqual([]);
  });

  it('exits 75 without running the command when the scope stays held', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    await runCli(
      ['locks', 'acquire', '--name', 'busy', '--scope', 'src', '--pid', String(holder.pid)],
      { cwd: root },
    );
    const result = await runCli(
      ['run', '--name', 'job', '--scope', 'src/a', '--wait', '0.3', '--', 'touch', 'ran'],
      { cwd: root },
    );
    expect(result.code).toBe(75);
    expect(result.stderr).toContain('not running touch: scope is held by loop "busy"');
    expect(existsSync(path.join(root, 'ran'))).toBe(false);
  });

  it('reports a missing command with exit 127 and releases the lock', async () => {
    const root = makeTempRepo();
    const result = await runCli(['run', '--name', 'job', '--', 'no-such-command-here'], {
      cwd: root,
    });
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/no-such-command-here: not found/);
    expect(records(root)).toEqual([]);
    expect((await runCli(['run', '--name', 'job'], { cwd: root })).code).toBe(2);
  });

  it('forwards SIGTERM to the command and releases the lock when it ends', async () => {
    const root = makeTempRepo();
    const wrapper = startRun(root, [
      process.execPath,
      '-e',
      'process.on("SIGTERM", () => { console.log("got SIGTERM"); process.exit(3); }); console.log("ready"); setInterval(() => {}, 1000);',
    ]);
    const lines = createInterface({ input: wrapper.stdout });
    const seen: string[] = [];
    lines.on('line', (line) => seen.push(line));
    await eventually(() => (seen.includes('ready') ? true : undefined));
    expect(records(root)).toEqual(['job.lock']);
    wrapper.kill('SIGTERM');
    const code = await new Promise((resolve) => wrapper.on('exit', resolve));
    expect(code).toBe(3);
    expect(seen).toContain('got SIGTERM');
    expect(records(root)).toEqual([]);
  });

  it('never runs the command when the wrapper dies before it holds the lock', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    await runCli(
      [
        'locks',
        'acquire',
        '--name',
        'busy',
        '--instance',
        'busy',
        '--scope',
        'src',
        '--pid',
        String(holder.pid),
      ],
      { cwd: root },
    );
    const wrapper = track(
      spawn(
        process.execPath,
        [binPath, 'run', '--name', 'job', '--scope', 'src', '--wait', '60', '--', 'touch', 'ran'],
        { cwd: root, env: isolatedEnv(), stdio: 'ignore' },
      ),
    );
    // The command's process waits at its gate while the wrapper waits for the scope.
    const gatePid = await eventually(
      () => [...readPsTable()].find(([, entry]) => entry.ppid === wrapper.pid)?.[0],
    );
    await killHard(wrapper);
    await killHard(holder);
    await eventually(() => (pidExists(gatePid) ? undefined : true), 30_000);
    expect(existsSync(path.join(root, 'ran'))).toBe(false);
    expect(records(root)).toEqual(['busy.lock']);
  });

  it('hands the lock to the command itself, so a SIGKILLed wrapper leaves it held until the command ends', async () => {
    const root = makeTempRepo();
    // The command says when it runs and as which pid, then becomes `sleep` in that process.
    const wrapper = startRun(root, ['sh', '-c', 'echo $$; exec sleep 300'], { detached: true });
    const commandPid = Number(
      await new Promise((resolve) =>
        createInterface({ input: wrapper.stdout }).once('line', resolve),
      ),
    );
    const record = JSON.parse(readFileSync(path.join(runningDir(root), 'job.lock'), 'utf8'));
    expect(record.pid).toBe(commandPid);
    await killHard(wrapper);
    const acquire = () =>
      runCli(
        [
          'locks',
          'acquire',
          '--name',
          'next',
          '--instance',
          'next',
          '--scope',
          'src',
          '--pid',
          String(process.pid),
        ],
        {
          cwd: root,
        },
      );
    const refused = await acquire();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`scope is held by loop "job" (pid ${commandPid}`);

    process.kill(-wrapper.pid!, 'SIGKILL'); // the orphaned command, in the wrapper's process group
    // An orphan is reaped by init, which may take a moment; until then its pid still exists.
    await eventually(async () => ((await acquire()).code === 0 ? true : undefined), 30_000);
    expect(records(root)).toEqual(['next.lock']);
  });
});

describe('records named the way ll-loop names them', () => {
  it('lists the loop and the instance, and releases them by instance or by loop name', async () => {
    const root = makeTempRepo();
    const holder = startIdleProcess();
    mkdirSync(runningDir(root), { recursive: true });
    for (const stamp of ['20261130T101500', '20261130T101501']) {
      writeFileSync(
        path.join(runningDir(root), `autodev-${stamp}.lock`),
        JSON.stringify({
          loop_name: 'autodev',
          scope: [path.join(root, stamp)],
          pid: holder.pid,
          started_at: new Date().toISOString(),
        }),
      );
    }
    const list = await runCli(['locks', 'list'], { cwd: root });
    expect(list.stdout).toMatch(/autodev +autodev-20261130T101500 +\d+/);
    expect(list.stdout).toMatch(/autodev +autodev-20261130T101501 +\d+/);
    const one = await runCli(
      ['locks', 'release', '--instance', 'autodev-20261130T101500', '--force'],
      { cwd: root },
    );
    expect(one).toMatchObject({ code: 0, stdout: 'released autodev-20261130T101500\n' });
    const all = await runCli(['locks', 'release', '--name', 'autodev', '--force'], { cwd: root });
    expect(all).toMatchObject({ code: 0, stdout: 'released autodev-20261130T101501\n' });
    expect(records(root)).toEqual([]);
  });
});
