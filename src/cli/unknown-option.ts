import { UsageError } from '../errors.js';

/** What yargs knows about the options before the command word. */
export interface LeadingOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  string: string[];
  number: string[];
  array: string[];
}

/**
 * Refuse an option before the command word that scopeguard does not know (`--verison`, `-v`,
 * `--bogus check`), naming the closest known one. yargs would take the next word as its value and
 * then ask for a command, which sends the user looking in the wrong place.
 */
export function assertKnownLeadingOptions(words: readonly string[], options: LeadingOptions): void {
  const names = Object.keys(options.key).flatMap((key) => [key, ...(options.alias[key] ?? [])]);
  const takesValue = new Set([...options.string, ...options.number, ...options.array]);
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (!word.startsWith('-') || word === '--') return;
    const name = word.replace(/^--?/, '').split('=')[0]!;
    if (!names.includes(name)) {
      const known = names.filter((candidate) => options.key[candidate] !== undefined);
      const suggestion = closest(name, known);
      throw new UsageError(
        `unknown option ${word.split('=')[0]}` +
          (suggestion === undefined ? '' : `; did you mean ${dashed(suggestion)}?`) +
          ' (`scopeguard --help` lists them)',
        'unknown-option',
      );
    }
    if (takesValue.has(name) && !word.includes('=')) index++;
  }
}

function dashed(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** The known name a mistyped one most likely meant: a prefix of it, or at most 2 edits away. */
function closest(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const prefixed = known.find((name) => lower.length > 0 && name.startsWith(lower));
  if (prefixed !== undefined && lower.length < prefixed.length) return prefixed;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name);
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
