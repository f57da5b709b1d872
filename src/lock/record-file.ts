import { builtin } from '../builtin.js';
import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { EnvironmentError, LockRecordError } from '../errors.js';
import { maxRecordBytes, parseLockRecord, type LockRecord } from './lock-record.js';
import type { StoreProblem } from './lock-store.js';
import { maxIdParts } from './lock-name.js';
import { flatRecordName, instanceOfRecord, lockSuffix } from './record-name.js';
import { sentinelName } from './sentinel.js';

/** A lock record as read from disk, with what is needed to prove later that it did not change. */
export interface RecordFile {
  /** The record's instance id (see `instanceOfRecord`). */
  stem: string;
  /** The file name relative to `.running/`: `x.lock`, or `generated/x.lock` one folder down. */
  name: string;
  file: string;
  record: LockRecord;
  text: string;
  /** The file's inode, when the read learned it (a listed regular file is read without fstat). */
  ino: number | undefined;
}

/** A `*.lock` entry that could not be used, with the reason. */
export type RecordProblem = StoreProblem;

/** A record, or the problem with it. */
export type RecordRead = { ok: true; value: RecordFile } | { ok: false; problem: RecordProblem };

export type ReadOutcome = RecordRead | { ok: false; gone: true };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Read every entry Python's `running_dir.glob("*.lock")` sees, less the sentinel, so both tools
 * judge the same set; and the records one folder down that today's little-loops writes for ids
 * with `/` (`generated/task.lock`), which its own glob misses. Names that are not UTF-8 are
 * reported (Python reads them; we cannot name them). Our temp files end in `.tmp`, so they are
 * never among them.
 */
export function readRecordDirectory(runningDir: string): RecordRead[] {
  const reads: RecordRead[] = [];
  readRecordLevel(runningDir, '', reads);
  return reads;
}

/**
 * Read the records in `.running/<folder>` (`folder` is '' or `name/`). A folder inside is read
 * when it is `.running/`'s own child; a deeper one, or a symlink to a folder, is reported instead:
 * records may hide in it that we do not read, so no scope is granted while it is there.
 */
function readRecordLevel(runningDir: string, folder: string, reads: RecordRead[]): void {
  const problem = (shown: string, reason: string): void => {
    const name = folder + shown;
    const stem = name.endsWith(lockSuffix) ? name.slice(0, -lockSuffix.length) : name;
    reads.push({
      ok: false,
      problem: { stem, file: path.join(runningDir, name), reason, blocking: true },
    });
  };
  // `runningDir` is normal and a listed name is never `.` or `..` and holds no `/`: joining by
  // string gives what path.join gives, without normalising each of thousands of paths again.
  const prefix = `${runningDir}/${folder}`;
  const entries = listDirectory(folder === '' ? runningDir : prefix, folder !== '');
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    const kind = entryKind(prefix, entry);
    if (kind === undefined) continue;
    const name = decodeUtf8(entry.name);
    if (name === undefined) {
      problem(
        escapeBytes(entry.name),
        'has a file name that is not valid UTF-8, so scopeguard cannot judge it: rename it',
      );
    } else if (kind === 'record') {
      if (folder + name === sentinelName) continue;
      const read = readRecord(folder + name, prefix + name, entry.isFile());
      if (!('gone' in read)) reads.push(read);
    } else if (kind === 'linked folder') {
      problem(
        name,
        'is a symbolic link to a folder, which scopeguard does not follow (records in it would ' +
          'live outside the lock directory): replace it with a real folder or remove it',
      );
    } else if (folder === '') {
      readRecordLevel(runningDir, `${name}/`, reads);
    } else {
      problem(
        name,
        `is a folder nested deeper than instance ids go (at most ${maxIdParts - 1} "/"), so ` +
          'scopeguard does not read the records in it: move them up or remove the folder',
      );
    }
  }
}

/**
 * What an entry of the folder `prefix` (ending in `/`) is to readers: a record (a `*.lock` name,
 * whatever the file), a folder, a symlink to a folder, or none of these (temp files, say), which
 * readers pass over.
 */
function entryKind(
  prefix: string,
  entry: Dirent<Buffer>,
): 'record' | 'folder' | 'linked folder' | undefined {
  if (hasLockSuffix(entry.name)) return 'record';
  if (entry.isDirectory()) return 'folder';
  if (entry.isSymbolicLink() && isFolder(Buffer.concat([Buffer.from(prefix), entry.name])))
    return 'linked folder';
  return undefined;
}

const lockSuffixBytes = Buffer.from(lockSuffix);

/**
 * Whether a listed name ends in `.lock`, told from its bytes (it need not be UTF-8) one by one:
 * `Buffer.compare` would validate its four offsets, an allocation each, for every entry.
 */
function hasLockSuffix(name: Buffer): boolean {
  const start = name.length - lockSuffixBytes.length;
  if (start < 0) return false;
  for (let index = 0; index < lockSuffixBytes.length; index++) {
    if (name[start + index] !== lockSuffixBytes[index]) return false;
  }
  return true;
}

function listDirectory(dir: string, nested: boolean): Dirent<Buffer>[] {
  try {
    // File types come with the names, so telling records from folders costs no further calls.
    return readdirSync(dir, { encoding: 'buffer', withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    // A folder of nested records replaced by a file since it was listed holds none.
    if (code === 'ENOENT' || (code === 'ENOTDIR' && nested)) return [];
    throw new EnvironmentError(
      `cannot read the lock directory ${dir} (${code ?? String(error)}): check that it is a ` +
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
  return readRecord(name, path.join(runningDir, name), false);
}

/**
 * `readRecordFile` for the record `name` (relative to `.running/`) at `file`. When the directory listing said it is a
 * regular file (`listedAsFile`) it is read straight away, without the fstat that Node builds four
 * `Date`s for; a read that finds nothing, or fills the buffer, is looked at with fstat after all,
 * so an entry swapped for another kind of file meanwhile is still named for what it is.
 */
function readRecord(name: string, file: string, listedAsFile: boolean): ReadOutcome {
  // O_NOFOLLOW guards the last part of the path only: a folder swapped for a symlink is not read.
  if (name.includes('/') && isSymlink(path.dirname(file))) {
    return recordProblem(
      name,
      file,
      'lies in a symbolic link to a folder, which scopeguard does not follow',
    );
  }
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { ok: false, gone: true };
    if (code === 'ELOOP' || isSymlink(file)) {
      // Python follows it, and skips it only when it leads nowhere.
      return targetExists(file)
        ? recordProblem(name, file, 'is a symbolic link, not a record')
        : recordProblem(name, file, 'is a symbolic link to nothing', false);
    }
    return recordProblem(name, file, `cannot be opened (${code ?? String(error)})`);
  }
  try {
    if (listedAsFile) {
      const buffer = readBuffer(0);
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      if (length > 0 && length < buffer.length)
        return parsedRecord(name, file, buffer.subarray(0, length), undefined);
    }
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return recordProblem(name, file, 'is a directory, not a record');
    if (!stat.isFile()) return recordProblem(name, file, 'is not a regular file');
    if (stat.size > maxRecordBytes)
      return recordProblem(name, file, `is ${stat.size} bytes, too large to be a record`);
    const buffer = readBuffer(stat.size + 1);
    const length = readSync(fd, buffer, 0, stat.size + 1, 0);
    if (length > stat.size) return recordProblem(name, file, 'grew while being read');
    return parsedRecord(name, file, buffer.subarray(0, length), stat.ino);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EISDIR') return recordProblem(name, file, 'is a directory, not a record');
    return recordProblem(name, file, `cannot be read (${code ?? String(error)})`);
  } finally {
    closeSync(fd);
  }
}

/** The record in the bytes read from `file`, or why they are not one. */
function parsedRecord(
  name: string,
  file: string,
  bytes: Uint8Array,
  ino: number | undefined,
): ReadOutcome {
  const text = decodeUtf8(bytes);
  if (text === undefined) return recordProblem(name, file, 'is not valid UTF-8 text');
  const parsed = parseLockRecord(text);
  if (!parsed.ok) return recordProblem(name, file, parsed.reason, parsed.blocking);
  const stem = instanceOfRecord(name, parsed.record);
  return { ok: true, value: { stem, name, file, record: parsed.record, text, ino } };
}

function recordProblem(name: string, file: string, reason: string, blocking = true): ReadOutcome {
  return { ok: false, problem: { stem: instanceOfRecord(name), file, reason, blocking } };
}

let sharedBuffer: Buffer | undefined;

/**
 * A buffer of at least `size` bytes, shared by all reads: records are read one at a time and
 * their text decoded before the next, so a scan of thousands allocates one buffer, not thousands.
 */
function readBuffer(size: number): Buffer {
  if (sharedBuffer === undefined || sharedBuffer.length < size)
    sharedBuffer = Buffer.allocUnsafe(Math.max(size, 64 * 1024));
  return sharedBuffer;
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function isFolder(file: string | Buffer): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function targetExists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A name for display, every byte outside printable ASCII written as `\xNN`, as `ls -b` does. */
function escapeBytes(bytes: Buffer): string {
  return [...bytes]
    .map((byte) =>
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

/**
 * True when the file still holds exactly what was read earlier: the same bytes, and the same inode
 * when the earlier read learned it. A holder is judged by the bytes alone, so a record replaced by
 * an identical copy meanwhile is judged alike.
 */
export function isUnchanged(runningDir: string, earlier: RecordFile): boolean {
  const now = readRecordFile(runningDir, earlier.name);
  return (
    now.ok &&
    now.value.text === earlier.text &&
    (earlier.ino === undefined || now.value.ino === earlier.ino)
  );
}

/**
/**
 * Refuse (exit 2), naming every file, while records stand in the way that the Python original
 * fails on or reads as locks and that we cannot judge: granting a scope around them could grant
 * what Python refuses.
 */
export function throwIfBlocking(problems: readonly RecordProblem[]): void {
  const blocking = problems.filter((problem) => problem.blocking);
  if (blocking.length === 0) return;
  throw new LockRecordError(
    `no scope can be granted while ${blocking.length === 1 ? 'this lock record is' : 'these lock records are'} ` +
      `in the way:\n${blocking.map((problem) => `  ${problem.file}: ${problem.reason}`).join('\n')}\n` +
      'The Python original fails on such a record or reads it as a lock. Inspect it, then fix or ' +
      'remove it (`scopeguard locks release --instance NAME --force` removes an unreadable record).',
    'unreadable-record',
  );
}

/**
 * Publish the record of `instance` atomically and without overwriting, directly in `.running/`
 * (see `flatRecordName`): write it to a dot-named temp file with an unpredictable name, then
 * hard-link that to the record's name, which fails if the name exists. Nothing is created or
 * written through a symlink, and readers see all of the record or nothing. Returns false when the
 * name is taken.
 */
export function publishRecord(runningDir: string, instance: string, text: string): boolean {
  const name = flatRecordName(instance);
  const target = path.join(runningDir, name);
  // Nobody can plant a symlink at a name they cannot predict; exclusive creation refuses one too.
  const temp = path.join(
    runningDir,
    `.${name.slice(0, -lockSuffix.length)}.${builtin('node:crypto').randomBytes(8).toString('hex')}.tmp`,
  );
  try {
    writeNewFile(temp, text);
  } catch (error) {
    throw environmentErrorFrom(error, 'write a lock record in', runningDir);
  }
  try {
    linkSync(temp, target);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP')
      throw environmentErrorFrom(error, 'publish the lock record', target);
  } finally {
    removeTempFile(temp);
  }
  // File systems without hard links: exclusive creation still never overwrites.
  try {
    writeNewFile(target, text);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw environmentErrorFrom(error, 'publish the lock record', target);
  }
}

/** Create a file that does not exist yet (never through a symlink) and write all of `text`. */
function writeNewFile(file: string, text: string): void {
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    writeFileSync(fd, text);
  } catch (error) {
    // A record cut short by a full disk must not stay behind as an unreadable lock.
    unlinkSync(file);
    throw error;
  } finally {
    closeSync(fd);
  }
}

function removeTempFile(temp: string): void {
  try {
    unlinkSync(temp);
  } catch {
    // The record is published (or refused) either way; a leftover `.tmp` is never read as a lock.
  }
}
