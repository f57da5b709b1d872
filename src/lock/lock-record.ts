import { UsageError } from '../errors.js';
import { parsePythonJson } from './python-json.js';

/**
 * The on-disk lock record shared with the Python original (CONTRIBUTING.md). The first four keys
 * are the contract; the rest are ours, which Python ignores.
 */
export interface LockRecord {
  loop_name: string;
  /** Absolute, symlink-resolved paths. */
  scope: string[];
  /**
   * The holder, read the way Python's `int()` reads it. 0 and below name process groups, which the
   * Python original finds alive; records we write always hold a real pid.
   */
  pid: number;
  /** ISO-8601, in Python's `datetime.isoformat()` shape for records we write. */
  started_at: string;
  singleton?: true;
  /** Our format version; absent on records written by the Python original. */
  schema?: number;
  /** The record's file stem, so a record names itself. */
  instance?: string;
  host?: string;
  boot_id?: string;
  /** Start-time token of the holder process, see `processStart`. */
  proc_start?: string;
  /** The pid namespace `pid` belongs to, see `currentPidNamespace`. */
  pid_ns?: string;
}

/**
 * A record, or why it cannot be used. `blocking` is true when the Python original would not skip
 * it: Python fails on it, or reads a lock from it that we cannot judge the same way. Such a record
 * must refuse every acquisition, as it does in Python.
 */
export type ParseResult =
  { ok: true; record: LockRecord } | { ok: false; reason: string; blocking: boolean };

/** The version of our extra fields. */
export const recordSchemaVersion = 1;

/** Records larger than this are not read: a real one is a few hundred bytes. */
export const maxRecordBytes = 1024 * 1024;

// Python hands the pid to os.kill, which takes a C int and raises OverflowError outside it.
const minCInt = -(2 ** 31);
const maxCInt = 2 ** 31 - 1;

/**
 * Parse the text of a lock record the way the Python original's `ScopeLock.from_dict` reads it:
 * `int()` on the pid, `str()` on the start time, truthiness for `singleton`, a bare string scope
 * as a list. Never throws: a record Python skips (not JSON, a key missing) or one it fails on
 * (wrong types it cannot convert, a pid `os.kill` rejects) comes back with a reason.
 */
export function parseLockRecord(text: string): ParseResult {
  if (text.trim() === '') return skipped('empty file');
  const json = parsePythonJson(text);
  if (!json.ok) return { ok: false, reason: json.reason, blocking: !json.pythonSkips };
  const data = json.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fails(`a JSON ${describe(data)}, not an object`);
  }
  const fields = data as Record<string, unknown>;
  // from_dict reads loop_name, scope, pid, started_at in this order: a missing key is a KeyError,
  // which Python skips, unless converting the pid has failed before started_at is looked up.
  for (let index = 0; index < keysReadBeforePid.length; index++) {
    const key = keysReadBeforePid[index]!;
    if (!Object.hasOwn(fields, key)) return skipped(`"${key}" is missing`);
  }
  const pid = pythonInt(fields.pid);
  if (pid === undefined) return fails(`"pid" should be an integer, found ${describe(fields.pid)}`);
  if (!Object.hasOwn(fields, 'started_at')) return skipped('"started_at" is missing');
  if (pid < minCInt || pid > maxCInt) return fails(`"pid" ${pid} is not a possible process id`);

  const { loop_name: loopName, scope, started_at: startedAt } = fields;
  if (typeof loopName !== 'string') return fails(wrongType('loop_name', 'a string', loopName));
  const scopeList = typeof scope === 'string' ? [scope] : scope;
  const scopeFault = Array.isArray(scopeList) ? pathListFault(scopeList) : 'type';
  if (scopeFault === 'type') return fails(wrongType('scope', 'an array of path strings', scope));
  if (scopeFault === 'nul') return fails('"scope" holds a path with a NUL character');
  const record: LockRecord = {
    loop_name: loopName,
    scope: scopeList as string[],
    pid,
    started_at: typeof startedAt === 'string' ? startedAt : JSON.stringify(startedAt),
  };
  if (pythonTruthy(fields.singleton)) record.singleton = true;
  if (typeof fields.schema === 'number') record.schema = fields.schema;
  for (let index = 0; index < optionalStringKeys.length; index++) {
    const key = optionalStringKeys[index]!;
    const value = fields[key];
    if (typeof value === 'string') record[key] = value;
  }
  return { ok: true, record };
}

// Read once per record, thousands of times in a scan, in code that runs too briefly to be
// optimised: indexed loops over constant lists allocate no iterators and no arrays per record.
const keysReadBeforePid = ['loop_name', 'scope', 'pid'] as const;
const optionalStringKeys = ['instance', 'host', 'boot_id', 'proc_start', 'pid_ns'] as const;

/**
 * What is wrong with a scope list, if anything: an entry that is not a string (`type`, Python
 * fails on it) before one with a NUL character (`nul`, no path can hold one).
 */
function pathListFault(entries: readonly unknown[]): 'type' | 'nul' | undefined {
  let fault: 'nul' | undefined;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (typeof entry !== 'string') return 'type';
    if (entry.includes('\0')) fault = 'nul';
  }
  return fault;
}

/**
 * Serialise a record with the contract keys first, as one line of JSON. Refuses (exit 2) to make a
 * record that readers would not read back, such as one over `maxRecordBytes`.
 */
export function serializeLockRecord(record: LockRecord): string {
  const { loop_name, scope, pid, started_at, singleton, ...ours } = record;
  const text = JSON.stringify({
    loop_name,
    scope,
    pid,
    started_at,
    ...(singleton ? { singleton: true } : {}),
    ...ours,
  });
  const bytes = Buffer.byteLength(text);
  if (bytes > maxRecordBytes) {
    throw new UsageError(
      `a lock record of ${scope.length} scope entries would take ${bytes} bytes, more than the ` +
        `${maxRecordBytes} bytes readers accept: lock fewer, broader paths (a directory owns ` +
        'everything below it).',
      'record-too-large',
    );
  }
  const reread = parseLockRecord(text);
  if (!reread.ok) {
    throw new UsageError(`refusing to write a lock record readers cannot use: ${reread.reason}`);
  }
  return text;
}

/**
 * The current time the way Python's `datetime.now(UTC).isoformat()` prints it
 * (`2026-01-02T03:04:05.123000+00:00`), so Python tools that parse `started_at` can read ours.
 */
export function pythonIsoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/**
 * `started_at` in ms since the epoch when it has the shape Python's `isoformat()` prints (naive
 * times are local, as Python's are), else undefined: free-form dates are never trusted.
 */
export function parseStartedAt(text: string): number | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)?$/.test(text))
    return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Python's `int(value)` for a JSON value, or undefined where Python fails or we do not follow. */
function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  // int() also takes Unicode digits, underscores and Unicode spaces; those are left undecided.
  if (typeof value === 'string' && /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/.test(value)) {
    return Number.parseInt(value.trim(), 10);
  }
  return undefined;
}

/** Python's `bool(value)` for a JSON value. */
function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function skipped(reason: string): ParseResult {
  return { ok: false, reason, blocking: false };
}

function fails(reason: string): ParseResult {
  return { ok: false, reason, blocking: true };
}

function wrongType(key: string, expected: string, actual: unknown): string {
  return `"${key}" should be ${expected}, found ${describe(actual)}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
