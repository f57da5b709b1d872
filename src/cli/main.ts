import { ExitCode, ScopeguardError, UsageError } from '../errors.js';
import type { Io } from './io.js';

/**
 * The whole CLI: run one command for `argv` (without the node and script names) and return the
 * exit code. `pre-commit` runs on every commit and `agent-hook` before every agent edit, so each
 * loads only its own module, not the argument parser the other commands use. Errors are rendered
 * here, once.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    if (argv[0] === 'pre-commit')
      return await (await import('./pre-commit-command.js')).preCommit(argv.slice(1), io);
    if (argv[0] === 'agent-hook')
      return await (await import('./agent-hook-command.js')).agentHook(argv.slice(1), io);
    const { runParsedCommand } = await import('./cli-parser.js');
    return await runParsedCommand(argv, io);
  } catch (error) {
    return renderError(error, io);
  }
}

function renderError(error: unknown, io: Io): number {
  if (error instanceof ScopeguardError) {
    io.stderr.write(`scopeguard: ${error.message}\n`);
    if (error instanceof UsageError) io.stderr.write('Run `scopeguard --help` for usage.\n');
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`scopeguard: internal error (please report it):\n${detail}\n`);
  return ExitCode.internal;
}
