import { UsageError } from '../errors.js';

/** The part of yargs' option table (`getOptions()`) that says which options take a value. */
export interface OptionTable {
  string: string[];
  number: string[];
  array: string[];
  alias: Record<string, string[]>;
}

// yargs reads a word after an option as its value only when it does not start with a dash (negative
// numbers excepted); otherwise the option gets an empty value and the word is parsed as an option.
const negativeNumber = /^-([0-9]+(\.[0-9]+)?|\.[0-9]+)$/;
const takenAsOption = (word: string) => word.startsWith('-') && !negativeNumber.test(word);

/**
 * Refuse an option that takes a value but is followed by another option or by nothing. yargs would
 * give it an empty value and read the next word as an option, so `--head -h` would print help and
 * exit 0 without doing the work. `--head=-h` still passes a value that starts with a dash.
 */
export function assertOptionValues(argv: readonly string[], options: OptionTable): void {
  const takesValue = new Set<string>();
  for (const key of [...options.string, ...options.number, ...options.array]) {
    for (const name of [key, camelCase(key), ...(options.alias[key] ?? [])]) takesValue.add(name);
  }
  argv.forEach((word, index) => {
    const name = /^--?([^=]+)$/.exec(word)?.[1];
    if (name === undefined || !takesValue.has(name)) return;
    const next = argv[index + 1];
    if (next === undefined) throw new UsageError(`${word} needs a value`, 'missing-value');
    if (takenAsOption(next)) {
      throw new UsageError(
        `${word} needs a value, but ${next} follows it; write ${word}=${next} to pass a value ` +
          'that starts with a dash',
        'missing-value',
      );
    }
  });
}

// yargs accepts every dashed option in camelCase too (`--loopsDir`).
function camelCase(key: string): string {
  return key.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
