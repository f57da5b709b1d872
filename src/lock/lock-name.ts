import { UsageError } from '../errors.js';

const maxNameLength = 128;
const allowed = /^[A-Za-z0-9_@+][A-Za-z0-9._@+-]*$/;

/**
 * Check a loop name or instance id that becomes a file stem in `.running/`. Refuses anything that
 * could name a file elsewhere or hide from Python's `*.lock` glob: separators, `..`, NUL, absolute
 * paths, a leading dot or dash, and characters outside a portable set.
 */
export function assertValidName(kind: 'loop name' | 'instance id', name: string): void {
  const problem = nameProblem(name);
  if (problem !== null) {
    throw new UsageError(
      `invalid ${kind} ${JSON.stringify(name)}: ${problem}. Use letters, digits and . _ @ + - ` +
        `(not first: . or -), at most ${maxNameLength} characters.`,
      'invalid-name',
    );
  }
}

/** Why a name is not a safe file stem, or null when it is. */
export function nameProblem(name: string): string | null {
  if (name.length > maxNameLength) return 'it is too long';
  return (
    referenceProblem(name) ??
    (allowed.test(name) ? null : 'it contains a character outside the allowed set')
  );
}

/**
 * Check the name of an existing record to act on (`release --instance`). Records written by the
 * Python original may have any loop name as their stem (`fix tests.lock`), so only what could
 * reach outside `.running/` or touch the store's own dot-files is refused.
 */
export function assertSafeReference(name: string): void {
  const problem = referenceProblem(name);
  if (problem !== null) {
    throw new UsageError(
      `invalid instance id ${JSON.stringify(name)}: ${problem}.`,
      'invalid-name',
    );
  }
}

function referenceProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator';
  if (name.includes('\0')) return 'it contains a NUL byte';
  if (name.includes('..')) return 'it contains ".."';
  // Removing or replacing the sentinel would let two processes into the critical section at once.
  if (name.startsWith('.'))
    return (
      'it starts with a dot: dot-files such as the sentinel .acquire.lock belong to the lock ' +
      'directory, and no command removes or replaces them'
    );
  return null;
}
