import { randomHex } from '../random-hex.js';
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  readvSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { EnvironmentError, LockRecordError } from '../errors.js';
import { isFolder } from '../is-folder.js';
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
  /** The file's inode, when the read learned it (a scan reads records without fstat). */
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
 * never among them. Each read is handed to `onRead` as it is made, so a caller can keep only what
 * it needs of each.
 */
export function readRecordDirectory(runningDir: string, onRead: (read: RecordRead) => void): void {
  readRecordLevel(runningDir, '', onRead);
}

/**
 * Read the records in `.running/<folder>` (`folder` is '' or `name/`). A folder inside is read
 * when it is `.running/`'s own child; a deeper one, or a symlink to a folder, is reported instead:
 * records may hide in it that we do not read, so no scope is granted while it is there.
 */
function readRecordLevel(
  runningDir: string,
  folder: string,
  onRead: (read: RecordRead) => void,
): void {
  const problem = (shown: string, reason: string): void => {
    const name = folder + shown;
    const stem = name.endsWith(lockSuffix) ? name.slice(0, -lockSuffix.length) : name;
    onRead({
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
    if (typeof entry !== 'string') {
      problem(
        escapeBytes(entry),
        'has a file name that is not valid UTF-8, so scopeguard cannot judge it: rename it',
      );
      continue;
    }
    const name = folder + entry;
    if (kind === 'record') {
      if (name === sentinelName) continue;
      const read = readRecord(name, prefix + entry, false);
      if (!('gone' in read)) onRead(read);
    } else if (kind === 'linked folder') {
      problem(
        entry,
        'is a symbolic link to a folder, which scopeguard does not follow (records in it would ' +
          'live outside the lock directory): replace it with a real folder or remove it',
      );
    } else if (folder === '') {
      readRecordLevel(runningDir, `${entry}/`, onRead);
    } else {
      problem(
        entry,
        `is a folder nested deeper than instance ids go (at most ${maxIdParts - 1} "/"), so ` +
          'scopeguard does not read the records in it: move them up or remove the folder',
      );
    }
  }
}

/**
 * What an entry of the folder `prefix` (ending in `/`) is to readers: a record (a `*.lock` name,
 * whatever the file), a folder, a symlink to a folder, or none of these (temp files, say), which
 * readers pass over. Only names that are not records cost a system call.
 */
function entryKind(
  prefix: string,
  entry: string | Buffer,
): 'record' | 'folder' | 'linked folder' | undefined {
  const name = typeof entry === 'string' ? entry : entry.toString('latin1');
  if (name.endsWith(lockSuffix)) return 'record';
  const file =
    typeof entry === 'string' ? prefix + entry : Buffer.concat([Buffer.from(prefix), entry]);
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return 'folder';
  if (stat?.isSymbolicLink() && isFolder(file)) return 'linked folder';
  return undefined;
}

/**
 * The names in `dir`: as text, or as bytes where a name is not UTF-8. Listing names as text costs
 * a fraction of listing bytes or file types; a name that is not UTF-8 comes back holding U+FFFD,
 * and only then is the folder listed again as bytes, to tell such names apart.
 */
function listDirectory(dir: string, nested: boolean): (string | Buffer)[] {
  const names = listNames(dir, nested, () => readdirSync(dir));
  if (!names.some((name) => name.includes('\uFFFD'))) return names;
  return listNames(dir, nested, () => readdirSync(dir, { encoding: 'buffer' })).map(
    (bytes) => decodeUtf8(bytes) ?? bytes,
  );
}

function listNames<T>(dir: string, nested: boolean, list: () => T[]): T[] {
  try {
    return list();
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
  return readRecord(name, path.join(runningDir, name), true);
}

/**
 * `readRecordFile` for the record `name` (relative to `.running/`) at `file`. Without `withInode`
 * a record that fits one read of the shared buffer is parsed straight away, without the fstat
 * that Node builds four `Date`s for (and that tells the inode); whatever else the file turns out
 * to be is then looked at with fstat after all, and named as before.
 */
function readRecord(name: string, file: string, withInode: boolean): ReadOutcome {
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
    const quick = withInode ? undefined : quickRecord(fd, name, file);
    if (quick !== undefined) return quick;
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

/**
 * The record read from `fd` at once, when one read of the shared buffer holds all of it. Read with
 * `readvSync`, which checks its arguments with half the calls `readSync` makes: node's argument
 * checks share one tier-up budget, and a scan of a thousand records that spends it has V8 compile
 * them with TurboFan, which alone adds about 3 MiB to the process.
 */
function quickRecord(fd: number, name: string, file: string): ReadOutcome | undefined {
  const buffer = readBuffer(0);
  let length: number;
  try {
    length = readvSync(fd, [buffer], 0);
  } catch {
    return undefined;
  }
  if (length === 0 || length === buffer.length) return undefined;
  const read = parsedRecord(name, file, buffer.subarray(0, length), undefined);
  return read.ok ? read : undefined;
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
  const temp = path.join(runningDir, `.${name.slice(0, -lockSuffix.length)}.${randomHex(8)}.tmp`);
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
