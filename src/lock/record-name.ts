import type { LockRecord } from './lock-record.js';

/** The file name ending of every record, the `*.lock` of Python's glob. */
export const lockSuffix = '.lock';

// `%` is outside the characters a name may hold (see lock-name.ts), so an encoded id never equals
// a plain one, and Python's `*.lock` glob matches it like any other name.
const separator = '/';
const encodedSeparator = '%2F';

/**
 * The file name scopeguard writes a record of `instance` under, directly in `.running/`: an id
 * with `/` (`generated/task`) becomes `generated%2Ftask.lock`. Never a nested file: the Python
 * original reads `.running/*.lock` only, so it would not see a record one folder down and could
 * grant an overlapping scope.
 */
export function flatRecordName(instance: string): string {
  return instance.replaceAll(separator, encodedSeparator) + lockSuffix;
}

/**
 * The file names, relative to `.running/`, a record of `instance` may have: the flat one we write,
 * then the nested one today's little-loops writes for an id with `/`.
 */
export function recordNamesOf(instance: string): string[] {
  const flat = flatRecordName(instance);
  const nested = instance + lockSuffix;
  return nested === flat ? [flat] : [flat, nested];
}

/**
 * The instance id of the record at `name` (relative to `.running/`): the path without `.lock` for
 * a nested record; for a flat one, the id it was encoded from when the record names itself so
 * (a record another tool wrote under a name that merely contains `%2F` keeps that name).
 */
export function instanceOfRecord(name: string, record?: LockRecord): string {
  const stem = name.slice(0, -lockSuffix.length);
  if (stem.includes(separator) || !stem.includes(encodedSeparator)) return stem;
  const decoded = stem.replaceAll(encodedSeparator, separator);
  return record === undefined || record.instance === decoded ? decoded : stem;
}
