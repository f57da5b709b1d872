import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../support/cli.js';
import { recordNames } from '../support/lock-records.js';
import { shellQuote } from '../../src/shell-quote.js';
import { isolatedEnv, makeTempRepo } from '../support/temp-dir.js';

// util-linux `script` runs a command on a pseudo-terminal, as a terminal emulator would.
const hasScript = /util-linux/.test(
  spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '',
);

/** Run a shell command line on a pseudo-terminal, feeding it `input`; resolves with its output. */
function onTerminal(root: string, commandLine: string, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', commandLine, '/dev/null'], {
      cwd: root,
      env: isolatedEnv({ npm_config_update_notifier: 'false', npm_config_offline: 'true' }),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(output));
    child.stdin.end(input);
  });
}

const acquire = `node ${shellQuote(binPath)} locks acquire --scope src --name`;

describe.skipIf(!hasScript)('locks acquire without --pid', () => {
  it('refuses (exit 2) when started by something other than an interactive shell, even on a terminal', async () => {
    const root = makeTempRepo();
    // npx finds scopeguard among the project's own binaries, as after `npm install scopeguard`.
    mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(repoRoot, path.join(root, 'node_modules', 'scopeguard'));
    symlinkSync(
      path.join('..', 'scopeguard', 'bin', 'scopeguard.js'),
      path.join(root, 'node_modules', '.bin', 'scopeguard'),
    );
    writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ name: 'project', scripts: { lock: `${acquire} via-npm-run` } }),
    );
    const launchers = {
      'sh -c': `sh -c ${shellQuote(`${acquire} via-sh; echo "exit=$?"`)}`,
      'npm run': 'npm run --silent lock; echo "exit=$?"',
      npx: 'npx --no-install scopeguard locks acquire --scope src --name via-npx; echo "exit=$?"',
    };
    for (const [launcher, commandLine] of Object.entries(launchers)) {
      const output = await onTerminal(root, `sh -c ${shellQuote(commandLine)}`);
      expect(output, launcher).toContain('locks acquire needs --pid here');
      expect(output, launcher).toMatch(/exit=2\r?\n/);
    }
    // A shell reading its script from a pipe looks interactive by its arguments alone.
    const piped = spawnSync('bash', [], {
      cwd: root,
      env: isolatedEnv(),
      input: `${acquire} piped; echo "exit=$?"\n`,
      encoding: 'utf8',
    });
    expect(piped.stderr).toContain('locks acquire needs --pid here');
    expect(piped.stdout).toBe('exit=2\n');
    expect(recordNames(root)).toEqual([]);
  });

  it('lets an interactive shell on a terminal hold the lock, but not a subshell of it', async () => {
    const root = makeTempRepo();
    const output = await onTerminal(
      root,
      'bash --norc --noprofile -i',
      `( ${acquire} subshell; echo "subshell=$?" )\n` +
        `id=$(${acquire} terminal); echo "exit=$? shell=$$ id=$id"; exit\n`,
    );
    expect(output).toMatch(/subshell=2\r?\n/);
    const match = /exit=(\d+) shell=(\d+) id=(\S*)\r?\n/.exec(output);
    expect(match, output).not.toBeNull();
    const [, code, shell, id] = match!;
    expect(code).toBe('0');
    expect(id).toMatch(/^terminal-\d{8}T\d{6}-[0-9a-f]{8}$/);
    const record = JSON.parse(
      readFileSync(path.join(root, '.loops', '.running', `${id}.lock`), 'utf8'),
    );
    expect(record.pid).toBe(Number(shell));
    expect(recordNames(root)).toEqual([`${id}.lock`]);
  });

  it('lets a script hold a lock with --pid $$ and release it without --force', async () => {
    const root = makeTempRepo();
    const script = `set -e
id=$(${acquire} script --pid $$)
grep -q "\\"pid\\":$$," .loops/.running/$id.lock
node ${shellQuote(binPath)} locks release --instance "$id"
test ! -e .loops/.running/$id.lock && echo done`;
    const shell = spawn('sh', ['-c', script], { cwd: root, env: isolatedEnv() });
    let out = '';
    shell.stdout.on('data', (chunk) => (out += chunk));
    const code = await new Promise((resolve) => shell.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/^released script-\d{8}T\d{6}-[0-9a-f]{8}\ndone\n$/);
  });
});
