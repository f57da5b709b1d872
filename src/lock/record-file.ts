import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
} from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';
import { parseLockRecord, type LockRecord } from './lock-record.js';
import type { StoreProblem } from './lock-store.js';
import { sentinelName } from './sentinel.js';

/** Records larger than this are refused unread: a real one is a few hundred bytes. */
export const maxRecordBytes = 1024 * 1024;

/** A lock record as read from disk, with what is needed to prove later that it did not change. */
export interface RecordFile {
  stem: string;
  file: string;
  record: LockRecord;
  text: string;
  ino: number;
}

/** A `*.lock` entry that could not be used, with the reason. */
export type RecordProblem = StoreProblem;

export type ReadOutcome =
  | { ok: true; value: RecordFile }
  | { ok: false; problem: RecordProblem }
  | { ok: false; gone: true };

/**
 * The names Python's `running_dir.glob("*.lock")` sees, less the sentinel: both tools must look at
 * the same set. Our temp files end in `.tmp`, so they are never among them.
 */
export function listRecordNames(runningDir: string): string[] {
  try {
    return readdirSync(runningDir).filter(
      (name) => name.endsWith('.lock') && name !== sentinelName,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new EnvironmentError(
      `cannot read the lock directory ${runningDir} (${code ?? String(error)}): check that it is a ` +
        'directory you may read, or point --loops-dir elsewhere.',
      'lock-dir-unreadable',
    );
  }
}

/**
 * Read one record without following symlinks and without reading unbounded data. Never throws for
 * a bad record; a record that vanished meanwhile (released) is reported as gone.
 */
export function readRecordFile(runningDir: string, name: string): ReadOutcome {
  const file = path.join(runningDir, name);
  const stem = name.slice(0, -'.lock'.length);
  const problem = (reason: string): ReadOutcome => ({ ok: false, problem: { stem, file, reason } });
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, gone: true };
    if (code === 'ELOOP' || isSymlink(file)) return problem('is a symbolic link, not a record');
    return problem(`cannot be opened (${code ?? String(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return problem('is a directory, not a record');
    if (!stat.isFile()) return problem('is not a regular file');
    if (stat.size > maxRecordBytes)
      return problem(`is ${stat.size} bytes, too large to be a record`);
    const buffer = Buffer.alloc(stat.size + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > stat.size) return problem('grew while being read');
    const text = buffer.toString('utf8', 0, length);
    const parsed = parseLockRecord(text);
    if (!parsed.ok) return problem(parsed.reason);
    return { ok: true, value: { stem, file, record: parsed.record, text, ino: stat.ino } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return problem('is a directory, not a record');
    return problem(`cannot be read (${code ?? String(error)})`);
  } finally {
    closeSync(fd);
  }
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** True when the file still holds exactly what was read earlier (same inode, same bytes). */
export function isUnchanged(runningDir: string, earlier: RecordFile): boolean {
  const now = readRecordFile(runningDir, `${earlier.stem}.lock`);
  return now.ok && now.value.ino === earlier.ino && now.value.text === earlier.text;
}
