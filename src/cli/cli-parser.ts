import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { packageRequire } from '../package-require.js';
import { packageRoot } from '../package-root.js';
import { assertOptionValues, type OptionTable } from './assert-option-values.js';
import { checkCommand } from './check-command.js';
import { ciCommand } from './ci-command.js';
import { doctorCommand } from './doctor-command.js';
import { initCommand } from './init-command.js';
import { storeOptions } from './guard-options.js';
import { createContext, type CommandSpec } from './command-context.js';
import type { Io } from './io.js';
import { locksAcquireCommand } from './locks-acquire-command.js';
import { locksListCommand } from './locks-list-command.js';
import { locksReapCommand } from './locks-reap-command.js';
import { locksReleaseCommand } from './locks-release-command.js';
import { locksWaitCommand } from './locks-wait-command.js';
import { runCommand } from './run-command.js';
import { assertKnownLeadingOptions, type LeadingOptions } from './unknown-option.js';
import { uninstallCommand } from './uninstall-command.js';
import { storeCommands } from './store-command.js';

const lockCommands: CommandSpec[] = [
  locksListCommand,
  locksAcquireCommand,
  locksReleaseCommand,
  locksReapCommand,
  locksWaitCommand,
];

// yargs 17's single-file CommonJS build loads in a quarter of the time of its ESM entry (measured:
// about 22 ms against 85 ms), and every CLI call pays it.
const require = packageRequire();
const yargs = require('yargs/yargs') as typeof import('yargs').default;

/**
 * Parse `argv` (without the node and script names) with yargs, run one command and return its exit
 * code. Errors propagate to `main`, which renders them. yargs never sees the words after the first
 * `--`: it would turn `1.0` into `1`, and they belong to the command `run` runs, untouched.
 */
export async function runParsedCommand(argv: readonly string[], io: Io): Promise<number> {
  const separator = argv.indexOf('--');
  const options = separator === -1 ? argv : argv.slice(0, separator);
  const commandLine = separator === -1 ? undefined : argv.slice(separator + 1);
  const context = createContext(io, commandLine);
  let exitCode: number = ExitCode.ok;
  const register = (parser: Argv, spec: CommandSpec): Argv =>
    parser.command(
      spec.command,
      // yargs takes false (hidden) in another overload of the same call.
      spec.describe as string,
      (yargs) => {
        const built = spec.builder(yargs);
        // Here yargs knows the command's options and has not yet acted on -h or --version.
        assertOptionValues(
          options,
          (built as unknown as { getOptions(): OptionTable }).getOptions(),
        );
        return built;
      },
      async (args) => {
        if (commandLine !== undefined && !spec.takesCommandLine) {
          throw new UsageError(
            'only `scopeguard run` takes words after --, the command it runs; remove the -- and ' +
              'what follows it (write a path that starts with a dash as ./-name)',
          );
        }
        exitCode = await spec.run(args, context);
      },
    );

  const parser = storeOptions(yargs())
    .scriptName('scopeguard')
    .usage(
      '$0 <command> [options]\n\nScope locks for concurrent automation loops, and the guard that keeps commits out of scopes other loops hold.',
    )
    .command('locks', 'Acquire, release, list, wait for and reap scope locks', (locks) =>
      lockCommands
        .reduce(register, locks)
        .demandCommand(1, 'name a locks command: list, acquire, release, reap or wait'),
    )
    .command('store <command>', 'Migrate the shared store or show its status', (store) =>
      storeCommands.reduce(register, store).demandCommand(1, 'name a store command'),
    )
    .demandCommand(1, 'name a command')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version((require(path.join(packageRoot(), 'package.json')) as { version: string }).version)
    .wrap(100)
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  register(parser, checkCommand);
  register(parser, ciCommand);
  register(parser, initCommand);
  register(parser, uninstallCommand);
  register(parser, doctorCommand);
  register(parser, runCommand);
  parser.command(
    'pre-commit',
    'The git pre-commit hook entry: check --staged with hook defaults (see pre-commit --help)',
  );
  parser.command(
    'commit-msg',
    'The git commit-msg hook entry: adds a Scope-Lock trailer per own lock (see commit-msg --help)',
  );
  parser.command(
    'agent-hook',
    "A coding agent's pre-tool hook entry: refuses edits inside foreign scopes (see agent-hook --help)",
  );

  assertKnownLeadingOptions(
    options,
    (parser as unknown as { getOptions(): LeadingOptions }).getOptions(),
  );
  let helpText = '';
  try {
    await parser.parseAsync([...options], {}, (_error, _args, output) => {
      helpText = output;
    });
  } finally {
    // An open connection pool would keep the process alive.
    await context.close();
  }
  if (helpText) io.stdout.write(`${helpText}\n`);
  return exitCode;
}
