import { builtin } from '../builtin.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { parentPid } from '../lock/process-identity.js';
import type { Io } from './io.js';

const shells = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'yash',
  'ash',
  'fish',
  'csh',
  'tcsh',
]);

/**
 * The holder of a lock taken without `--pid`: the process that started scopeguard, but only when
 * that is an interactive shell on the terminal we were started from, which lives as long as the
 * session. Anything else (`sh -c`, `npm run`, `npx`, a script, a subshell) exits soon after us,
 * and a lock held by it would be reaped while the user believes it held: that needs `--pid`.
 */
export function defaultHolderPid(io: Io): number {
  const shell = commandLine(io.parentPid);
  const grandparent = parentPid(io.parentPid);
  const isSubshell =
    grandparent !== undefined && commandLine(grandparent)?.join('\0') === shell?.join('\0');
  if (io.stdinIsTTY && shell && isInteractiveShell(shell) && !isSubshell) return io.parentPid;
  const what = shell ? `\`${shell.join(' ').slice(0, 60)}\`` : 'unknown';
  throw new UsageError(
    `locks acquire needs --pid here: it was started by process ${io.parentPid} (${what}), not by ` +
      'an interactive shell on a terminal, so that process will soon exit and its lock be reaped. ' +
      'Pass the pid of the process that does the work: --pid $$ in a shell script.',
    'needs-pid',
  );
}

/** A shell with no command or script to run: every argument is an option (`-l`, `--login`). */
function isInteractiveShell(args: readonly string[]): boolean {
  const name = path.basename(args[0] ?? '').replace(/^-/, '');
  return shells.has(name) && args.slice(1).every((arg) => /^[-+]/.test(arg));
}

/** The arguments a process was started with (argv[0] included), or undefined if unreadable. */
function commandLine(pid: number): string[] | undefined {
  try {
    if (process.platform === 'linux') {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw.split('\0').slice(0, -1);
    }
    // Without /proc, `ps` joins the arguments with spaces: good enough to see whether any of
    // them is not an option.
    const out = builtin('node:child_process').execFileSync(
      'ps',
      ['-o', 'args=', '-p', String(pid)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return out.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}
