import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectIndexUntouched, indexWitness } from './index-untouched.js';
import { isolatedEnv } from './temp-dir.js';

/** The repository this test suite belongs to. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The built executable, exactly as npm links it. */
export const binPath = path.join(repoRoot, 'bin', 'scopeguard.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The commands that guard changes: none of them may write to the repository. */
const guardCommands = new Set(['check', 'pre-commit', 'ci']);

/**
 * Run the built `scopeguard` bin as a real process. A guard command must leave the index of the
 * repository it runs in byte for byte and in time unchanged, and so must every node process it
 * leads git to start (a hook run inside `scopeguard run -- git commit`): both are asserted here.
 */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<CliResult> {
  const witness = indexWitness(options.env);
  const run = () => spawnCli(args, { ...options, env: witness.env });
  const label = `scopeguard ${args.join(' ')}`;
  const result = guardCommands.has(args[0] ?? '')
    ? await expectIndexUntouched(options.cwd, label, run)
    : await run();
  witness.check(label);
  return result;
}

function spawnCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<CliResult> {
  return runProcess(process.execPath, [binPath, ...args], {
    cwd: options.cwd,
    env: isolatedEnv(options.env),
    input: options.input ?? '',
  });
}

/**
 * Run a program as a real process and collect its output. `input` is written to its stdin, which
 * is closed afterwards unless `keepStdinOpen` (a pipe that never ends); without `input` stdin is
 * ignored.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; keepStdinOpen?: boolean },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (options.input !== undefined) {
      child.stdin!.on('error', () => {}); // the program may close its end first
      if (options.keepStdinOpen) child.stdin!.write(options.input);
      else child.stdin!.end(options.input);
    }
  });
}
