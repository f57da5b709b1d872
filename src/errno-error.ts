import { EnvironmentError } from './errors.js';

/** The errno code (`ENOENT`, `EACCES`...) of a thrown value, or undefined when it has none. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  // Only errno names: a ScopeguardError's code is a string too, and must never be mistaken for one.
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

// What a person can do about each fault of the environment, in a few words.
const fixes: Record<string, string> = {
  EACCES: 'it is not accessible to this user: fix its permissions or run as its owner',
  EPERM: 'the operation is not permitted here: fix its permissions or run as its owner',
  EROFS: 'it is on a read-only file system: use a writable location',
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'the disk quota is exhausted: free some space',
  EISDIR: 'a directory stands where a file belongs: remove or rename it',
  ENOTDIR: 'a file stands where a directory belongs: remove or rename it',
  ENOENT: 'it does not exist: create it or point scopeguard elsewhere',
  ELOOP:
    'it is a symbolic link (or a loop of them), which scopeguard never follows there: remove it',
  EEXIST: 'something already exists there: remove or rename it',
  EMFILE: 'this process has too many open files: raise the limit (ulimit -n)',
  ENFILE: 'the system has too many open files: close some programs',
  EIO: 'the device reported an I/O error: check the disk',
};

/**
 * Turn an errno error from the file system or a process into an environment error (exit 3) that
 * names what was being done, the path, and the fix. Anything without an errno code is returned
 * unchanged: it is not a fault of the environment, and `main` reports it as a bug.
 */
export function environmentErrorFrom<Thrown>(
  error: Thrown,
  doing: string,
  target: string,
): Thrown | EnvironmentError {
  const code = errnoCode(error);
  if (code === undefined) return error;
  const fix = fixes[code] ?? 'check the path and its permissions';
  return new EnvironmentError(`cannot ${doing} ${target} (${code}): ${fix}.`, code.toLowerCase());
}
