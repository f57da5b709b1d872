import yargs, { type Argv } from 'yargs';
import { ExitCode, ScopeguardError, UsageError } from '../errors.js';
import { createContext, type CommandSpec } from './command-context.js';
import type { Io } from './io.js';
import { locksAcquireCommand } from './locks-acquire-command.js';
import { locksListCommand } from './locks-list-command.js';
import { locksReapCommand } from './locks-reap-command.js';
import { locksReleaseCommand } from './locks-release-command.js';
import { locksWaitCommand } from './locks-wait-command.js';
import { runCommand } from './run-command.js';

const lockCommands: CommandSpec[] = [
  locksListCommand,
  locksAcquireCommand,
  locksReleaseCommand,
  locksReapCommand,
  locksWaitCommand,
];

/**
 * The whole CLI: parse `argv` (without the node and script names), run one command, and return
 * the exit code. Errors are rendered here, once.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const context = createContext(io);
  let exitCode: number = ExitCode.ok;
  const register = (parser: Argv, spec: CommandSpec): Argv =>
    parser.command(spec.command, spec.describe, spec.builder, async (args) => {
      exitCode = await spec.run(args as Record<string, unknown>, context);
    });

  const parser = yargs()
    .scriptName('scopeguard')
    .usage(
      '$0 <command> [options]\n\nScope locks for concurrent automation loops, and the guard that keeps commits out of scopes other loops hold.',
    )
    .option('loops-dir', {
      type: 'string',
      global: true,
      describe: 'The .loops directory whose .running/ holds the records (env SCOPEGUARD_LOOPS_DIR)',
    })
    .command('locks <command>', 'Acquire, release, list, wait for and reap scope locks', (locks) =>
      lockCommands.reduce(register, locks).demandCommand(1, 'name a locks command'),
    )
    .parserConfiguration({ 'populate--': true })
    .demandCommand(1, 'name a command')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(100)
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  register(parser, runCommand);

  try {
    let helpText = '';
    await parser.parseAsync([...argv], {}, (_error, _args, output) => {
      helpText = output;
    });
    if (helpText) io.stdout.write(`${helpText}\n`);
    return exitCode;
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
