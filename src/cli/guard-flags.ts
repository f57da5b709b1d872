import { parseArgs } from 'node:util';
import { guardModes } from '../guard/guard-mode.js';
import { UsageError } from '../errors.js';
import type { GuardRequest } from '../guard/guard-session.js';
import { parsePlainLongOptions } from './plain-long-options.js';

/**
 * One flag of the guard: how node's parseArgs reads it on the hook path and what yargs shows in
 * the help. Both parsers are derived from the tables below, so a flag is added in one place.
 */
export interface FlagDefinition {
  type: 'string' | 'boolean';
  multiple?: boolean;
  choices?: readonly string[];
  describe: string;
}

type FlagTable = Record<string, FlagDefinition>;

/** Where the locks are: every command takes these. */
export const storeFlags = {
  'loops-dir': {
    type: 'string',
    describe: 'The .loops directory whose .running/ holds the records (env SCOPEGUARD_LOOPS_DIR)',
  },
  store: {
    type: 'string',
    describe:
      'A shared store used with the lock directory: postgres://USER@HOST:PORT/DB (env SCOPEGUARD_STORE)',
  },
  namespace: {
    type: 'string',
    describe:
      "The shared store's namespace (env SCOPEGUARD_NAMESPACE; default: from the origin remote)",
  },
} as const satisfies FlagTable;

/** How the guard judges what it finds: mode, own identities, strictness. */
export const policyFlags = {
  mode: {
    type: 'string',
    choices: guardModes,
    describe: 'block (exit 1 on conflicts), warn, or off',
  },
  as: {
    type: 'string',
    multiple: true,
    describe: 'Loop names or instances whose locks count as yours',
  },
  strict: {
    type: 'boolean',
    describe: 'Unreadable lock records block instead of warning',
  },
} as const satisfies FlagTable;

/** The values either parser gives for the guard's flags, under the flags' own names. */
export interface GuardFlagValues {
  mode?: string;
  as?: string[];
  strict?: boolean;
  'loops-dir'?: string;
  store?: string;
  namespace?: string;
}

/** The guard's flags, built in this one place from what either parser read. */
export function guardFlagsFrom(values: GuardFlagValues): GuardRequest['flags'] {
  return {
    mode: values.mode,
    strict: values.strict,
    as: values.as,
    loopsDir: values['loops-dir'],
    store: values.store,
    namespace: values.namespace,
  };
}

/** What a hook entry parsed: the guard's flags, help, and its own flags by name. */
export type HookArgs = GuardFlagValues & { help?: boolean } & Record<string, unknown>;

/** A hook entry's own flags, in parseArgs' terms. */
type OwnFlags = Record<string, { type: 'string' | 'boolean'; default?: string }>;

/**
 * Parse a hook entry's arguments with node's own parseArgs rather than yargs: the hooks run on
 * every commit and every agent edit, and start-up time is most of their cost. The plain arguments
 * the installed hooks pass do not even load parseArgs. The guard's flags come from the tables
 * above; `own` adds the entry's own.
 */
export function parseHookArgs(command: string, argv: readonly string[], own: OwnFlags): HookArgs {
  const guard = Object.entries({ ...policyFlags, ...storeFlags }).map(
    ([name, flag]: [string, FlagDefinition]) =>
      [name, { type: flag.type, multiple: flag.multiple ?? false }] as const,
  );
  const options = {
    ...Object.fromEntries(guard),
    ...own,
    help: { type: 'boolean', short: 'h' },
  } as const;
  const plain = parsePlainLongOptions(argv, options);
  if (plain) return plain;
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`, 'usage');
  }
}
