import type { Argv, Options } from 'yargs';
import { policyFlags, storeFlags, type FlagDefinition } from './guard-flags.js';

function yargsOption(flag: FlagDefinition, global: boolean): Options {
  const { type, multiple, choices, describe } = flag;
  return {
    type,
    describe,
    ...(global && { global }),
    ...(multiple && { array: true }),
    ...(choices && { choices }),
  };
}

function withFlags(yargs: Argv, table: Record<string, FlagDefinition>, global: boolean): Argv {
  return Object.entries(table).reduce(
    (parser, [name, flag]) => parser.option(name, yargsOption(flag, global)),
    yargs,
  );
}

/** The guard policy flags `check` and `ci` share: mode, own identities, strictness. */
export function guardPolicyOptions(yargs: Argv): Argv {
  return withFlags(yargs, policyFlags, false);
}

/** The flags that say where the locks are, which every command takes. */
export function storeOptions(yargs: Argv): Argv {
  return withFlags(yargs, storeFlags, true);
}
