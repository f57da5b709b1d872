import { UsageError } from '../errors.js';

const maxNameLength = 128;
const allowed = /^[A-Za-z0-9_@+][A-Za-z0-9._@+-]*$/;

/**
 * How many `/`-separated parts an instance id may have: two, as in the ids today's little-loops
 * writes (`generated/<task>-<stamp>`, a record in `.running/generated/`). A bound keeps every
 * record within one folder level of `.running/`, which is as deep as readers look.
 */
export const maxIdParts = 2;

/**
 * Check a loop name or instance id that becomes a file stem in `.running/`. Refuses anything that
 * could name a file elsewhere or hide from Python's `*.lock` glob: separators, `..`, NUL, absolute
 * paths, a leading dot or dash, and characters outside a portable set. An instance id may hold one
 * `/` between two such parts (see `maxIdParts`); it is written flat all the same (`flatRecordName`).
 */
export function assertValidName(kind: 'loop name' | 'instance id', name: string): void {
  const problem = kind === 'loop name' ? nameProblem(name) : instanceIdProblem(name);
  if (problem !== null) {
    const nested = kind === 'instance id' ? ', optionally two such parts joined by one /' : '';
    throw new UsageError(
      `invalid ${kind} ${JSON.stringify(name)}: ${problem}. Use letters, digits and . _ @ + - ` +
        `(not first: . or -)${nested}, at most ${maxNameLength} characters.`,
      'invalid-name',
    );
  }
}

/** Why a name is not a safe file stem, or null when it is. */
export function nameProblem(name: string): string | null {
  if (name.length > maxNameLength) return 'it is too long';
  return (
    partProblem(name) ??
    (allowed.test(name) ? null : 'it contains a character outside the allowed set')
  );
}

/** Why an instance id to acquire under is not safe, or null when it is. */
function instanceIdProblem(id: string): string | null {
  if (id.length > maxNameLength) return 'it is too long';
  const parts = id.split('/');
  if (parts.length > maxIdParts) return `it has more than ${maxIdParts - 1} "/"`;
  for (const part of parts) {
    const problem = partProblem(part);
    if (problem !== null) return problem;
    if (!allowed.test(part)) return 'it contains a character outside the allowed set';
  }
  return null;
}

/**
 * Check the name of an existing record to act on (`release --instance`). Records written by the
 * Python original may have any loop name as their stem (`fix tests.lock`) and may sit one folder
 * down (`generated/task.lock`), so only what could reach outside `.running/` (or deeper than
 * readers look) or touch the store's own dot-files is refused.
 */
export function assertSafeReference(name: string): void {
  const parts = name.split('/');
  const problem =
    parts.length > maxIdParts
      ? `it has more than ${maxIdParts - 1} "/"`
      : parts.map(partProblem).find((found) => found !== null);
  if (problem) {
    throw new UsageError(
      `invalid instance id ${JSON.stringify(name)}: ${problem}.`,
      'invalid-name',
    );
  }
}

/** Why one part of a name (between `/`) could name a file elsewhere, or null when it cannot. */
function partProblem(part: string): string | null {
  if (part === '') return 'it is empty or has an empty part between "/"';
  if (part.includes('/') || part.includes('\\')) return 'it contains a path separator';
  if (part.includes('\0')) return 'it contains a NUL byte';
  if (part.includes('..')) return 'it contains ".."';
  // Removing or replacing the sentinel would let two processes into the critical section at once.
  if (part.startsWith('.'))
    return (
      'it starts with a dot: dot-files such as the sentinel .acquire.lock belong to the lock ' +
      'directory, and no command removes or replaces them'
    );
  return null;
}
