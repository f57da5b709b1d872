import { envSwitch } from '../config/env-switch.js';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { ExitCode, ScopeguardError, UsageError } from '../errors.js';
import { printable } from '../report/printable.js';
import { installTracer } from '../trace.js';
import type { Io } from './io.js';

/** Set to 1 (or true, yes, on) for a trace of every git command and store call on stderr. */
export const debugEnv = 'SCOPEGUARD_DEBUG';

/**
 * Run one command and return its exit code, or render what it threw: errors are rendered here,
 * once, for every entry point of the CLI, and the debug trace is switched on here.
 */
export async function commandOutcome(io: Io, command: () => Promise<number>): Promise<number> {
  try {
    if (envSwitch(io.env[debugEnv]))
      installTracer(
        (await import('../debug-trace.js')).createTracer((text) => io.stderr.write(text)),
      );
    return await command();
  } catch (error) {
    return renderError(error, io);
  }
}

function renderError(thrown: unknown, io: Io): number {
  const error = asEnvironmentError(thrown);
  if (error instanceof ScopeguardError) {
    io.stderr.write(`scopeguard: ${printableLines(error.message)}\n`);
    if (error instanceof UsageError) io.stderr.write('Run `scopeguard --help` for usage.\n');
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`scopeguard: internal error (please report it):\n${printableLines(detail)}\n`);
  return ExitCode.internal;
}

// Messages quote what they name, but may still carry text from outside (a path, a ref, a parser's
// excerpt of a bad file); their own line breaks are kept.
function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * A failed system call that no command turned into a message of its own (a file it could not
 * write, a folder it could not create) is still a fault of the environment, not a bug: exit 3,
 * naming the call and the path. Node's own error codes (`ERR_...`) stay bugs.
 */
function asEnvironmentError(error: unknown): unknown {
  const { syscall, path } = (error ?? {}) as { syscall?: unknown; path?: unknown };
  if (typeof syscall !== 'string' || !/^E[A-Z0-9]+$/.test(errnoCode(error) ?? '')) return error;
  return environmentErrorFrom(error, syscall, typeof path === 'string' ? path : 'a file');
}
