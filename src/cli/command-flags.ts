import type { Options } from 'yargs';
import { parsePlainLongOptions, type PlainOptions } from './plain-long-options.js';

/**
 * One option of a command, in one table that both parsers are derived from: yargs, which gives
 * the help, every error message and every accepted spelling, and the plain parser below, which
 * reads only the plain spelling and leaves everything else to yargs.
 */
export interface CommandFlag {
  type: 'string' | 'boolean' | 'number';
  describe: string;
  multiple?: boolean;
  choices?: readonly string[];
  default?: string | number | boolean | readonly string[];
  required?: boolean;
}

export type CommandFlags = Readonly<Record<string, CommandFlag>>;

/** The table as yargs options, in its order (the order of the help). */
export function yargsOptions(flags: CommandFlags): Record<string, Options> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => {
      const { type, describe, multiple, choices, required } = flag;
      const option: Options = {
        type,
        describe,
        ...(multiple && { array: true }),
        ...(choices && { choices }),
        ...(flag.default !== undefined && { default: flag.default }),
        ...(required && { demandOption: true }),
      };
      return [name, option];
    }),
  );
}

/**
 * The arguments yargs would give for `words`, under the camelCase names, when they are written
 * the plain way: every flag known, each value its own word that does not start with a dash, no
 * flag but a `multiple` one twice, every required flag given and every value among its choices.
 * Anything else (help, `--flag=value`, a repeated flag, a missing value, a negative number, an
 * unknown flag or a word that is no flag) gives undefined: yargs then reads the words, with its
 * messages for whatever is wrong. The plain parser never has a message of its own.
 */
export function parsePlainArgs(
  flags: CommandFlags,
  words: readonly string[],
): Record<string, unknown> | undefined {
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [
      name,
      { type: flag.type === 'boolean' ? 'boolean' : 'string', multiple: flag.multiple ?? false },
    ]),
  ) as PlainOptions;
  const parsed = parsePlainLongOptions(words, options);
  if (parsed === undefined) return undefined;
  const args: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(flags)) {
    const value = parsed[name] ?? flag.default;
    if (value === undefined) {
      if (flag.required) return undefined;
      continue;
    }
    if (flag.choices && !flag.choices.includes(value as string)) return undefined;
    args[camelCase(name)] =
      flag.type === 'number'
        ? Number(value)
        : Array.isArray(value)
          ? [...(value as unknown[])]
          : value;
  }
  return args;
}

// yargs gives every dashed flag under its camelCase name as well; the commands read that one.
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
