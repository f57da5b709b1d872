/**
 * The on-disk lock record shared with the Python original (DESIGN section 4). The first four keys
 * are the contract; the rest are ours, which Python ignores.
 */
export interface LockRecord {
  loop_name: string;
  /** Absolute, symlink-resolved paths. */
  scope: string[];
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
}

export type ParseResult = { ok: true; record: LockRecord } | { ok: false; reason: string };

/** The version of our extra fields. */
export const recordSchemaVersion = 1;

/**
 * Parse the text of a lock record. Never throws: every bad shape (empty, truncated, not an object,
 * wrong types) comes back as a reason a person can read.
 */
export function parseLockRecord(text: string): ParseResult {
  if (text.trim() === '') return { ok: false, reason: 'empty file' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON (truncated or partly written?)' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, reason: `a JSON ${describe(data)}, not an object` };
  }
  const fields = data as Record<string, unknown>;
  const { loop_name: loopName, scope, pid, started_at: startedAt, singleton } = fields;
  if (typeof loopName !== 'string') return wrongType('loop_name', 'a string', loopName);
  const scopeList = typeof scope === 'string' ? [scope] : scope;
  if (!Array.isArray(scopeList) || !scopeList.every((entry) => typeof entry === 'string')) {
    return wrongType('scope', 'an array of path strings', scope);
  }
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) {
    return wrongType('pid', 'a positive integer', pid);
  }
  if (typeof startedAt !== 'string')
    return wrongType('started_at', 'an ISO-8601 string', startedAt);
  if (singleton !== undefined && typeof singleton !== 'boolean') {
    return wrongType('singleton', 'true or false', singleton);
  }
  const record: LockRecord = { loop_name: loopName, scope: scopeList, pid, started_at: startedAt };
  if (singleton === true) record.singleton = true;
  if (typeof fields.schema === 'number') record.schema = fields.schema;
  for (const key of ['instance', 'host', 'boot_id', 'proc_start'] as const) {
    const value = fields[key];
    if (typeof value === 'string') record[key] = value;
  }
  return { ok: true, record };
}

/** Serialise a record with the contract keys first, as one line of JSON. */
export function serializeLockRecord(record: LockRecord): string {
  const { loop_name, scope, pid, started_at, singleton, ...ours } = record;
  return JSON.stringify({
    loop_name,
    scope,
    pid,
    started_at,
    ...(singleton ? { singleton: true } : {}),
    ...ours,
  });
}

/**
 * The current time the way Python's `datetime.now(UTC).isoformat()` prints it
 * (`2026-01-02T03:04:05.123000+00:00`), so Python tools that parse `started_at` can read ours.
 */
export function pythonIsoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

function wrongType(key: string, expected: string, actual: unknown): ParseResult {
  return { ok: false, reason: `"${key}" should be ${expected}, found ${describe(actual)}` };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
