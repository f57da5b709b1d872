import { existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { EnvironmentError, LockRecordError } from '../errors.js';
import { resolveLexically } from '../lexical-path.js';
import { holderJudgeForScan, judgeHolder } from './holder-liveness.js';
import { assertSafeReference } from './lock-name.js';
import { runningDirOf } from './loops-dir.js';
import {
  pythonIsoTimestamp,
  recordSchemaVersion,
  serializeLockRecord,
  type LockRecord,
} from './lock-record.js';
import type {
  AcquireRequest,
  AcquireResult,
  LiveLock,
  LockSnapshot,
  LockStore,
  ReapedLock,
  ReleaseOptions,
  ReleaseOutcome,
  RenewOutcome,
  SnapshotOptions,
  StoreProbe,
} from './lock-store.js';
import { totalLeftOut } from './lock-store.js';
import { freshInstance } from './fresh-instance.js';
import { isHeldByAncestry, isSameHolderAs } from './own-locks.js';
import {
  currentBootId,
  currentHost,
  currentPidNamespace,
  processStart,
} from './process-identity.js';
import {
  isUnchanged,
  publishRecord,
  readRecordDirectory,
  readRecordFile,
  throwIfBlocking,
  type ReadOutcome,
  type RecordFile,
  type RecordProblem,
} from './record-file.js';
import { flatRecordName, recordNamesOf } from './record-name.js';
import { findScopeConflict } from './scope-conflict.js';
import { resolveScopePath } from './scope-path.js';
import type { ScopeSpace } from './scope-space.js';
import { holdSentinel, type HeldSentinel } from './sentinel.js';

/** Errors that mean "this process may not change the lock directory", not "it is broken". */
const unwritableCodes = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT']);

export interface FileLockStoreOptions {
  /** The `.loops` directory (Python's `LockManager(loops_dir)`); records live in its `.running/`. */
  loopsDir: string;
  /** Relative scope entries in legacy records are resolved against this folder. */
  projectRoot: string;
  /** How long to wait for the sentinel before reporting a hung holder. */
  sentinelTimeoutMs?: number;
  /**
   * The other checkouts of the same files: scopes are compared across them, and their lock
   * directories are read, reaped and (for an acquisition) locked along with this one.
   */
  space?: ScopeSpace;
}

interface Scan {
  live: LiveLock[];
  /** Live locks `keep` turned down. */
  leftOut: number;
  dead: { file: RecordFile; reason: string }[];
  problems: RecordProblem[];
}

/**
 * The directory store: one JSON record per lock in `<loopsDir>/.running/`, created under an
 * exclusive flock(2) on `.acquire.lock`, byte-compatible with the Python original.
 */
export class FileLockStore implements LockStore {
  readonly runningDir: string;
  readonly description: string;
  private readonly projectRoot: string;
  private readonly sentinelTimeoutMs: number;
  private readonly roots: readonly string[];
  private readonly peers: FileLockStore[];

  constructor(options: FileLockStoreOptions) {
    this.runningDir = runningDirOf(options.loopsDir);
    this.projectRoot = options.projectRoot;
    this.sentinelTimeoutMs = options.sentinelTimeoutMs ?? 30_000;
    this.description = this.runningDir;
    this.roots = options.space?.roots ?? [];
    this.peers = (options.space?.peerLoopsDirs ?? [])
      .map(
        (loopsDir) =>
          new FileLockStore({
            loopsDir,
            projectRoot: path.dirname(path.resolve(loopsDir)),
            sentinelTimeoutMs: this.sentinelTimeoutMs,
          }),
      )
      .filter((peer) => peer.runningDir !== this.runningDir);
  }

  /** This store's `.running` directory, then those of its peers. */
  runningDirs(): string[] {
    return [this.runningDir, ...this.peers.map((peer) => peer.runningDir)];
  }

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const holderPid = request.pid ?? process.pid;
    const holderStart = processStart(holderPid)?.token;
    // A record too large to read back is refused before anything is reaped or written.
    serializeLockRecord({
      ...newRecord(request, holderPid, holderStart),
      instance: request.instance ?? request.loopName,
    });
    this.createRunningDir();
    return this.underAllSentinels(async () => {
      // Python resolves every record's entries, symlinks included, before comparing; so must we,
      // or a record naming a symlink would not overlap here while it does in Python.
      const scan = this.scan(resolveScopePath);
      throwIfBlocking(scan.problems);
      const { live, problems } = scan;
      const reaped = this.reapUnderSentinel(scan.dead);
      // The other checkouts' directories count too, unreadable records included.
      const peerScans = this.peers.map((peer) => peer.scan(resolveScopePath));
      throwIfBlocking(peerScans.flatMap((peerScan) => peerScan.problems));
      const peerLocks = peerScans.flatMap((peerScan) => peerScan.live);
      const conflict = findScopeConflict([...live, ...peerLocks], {
        scope: request.scope,
        loopName: request.loopName,
        singleton: request.singleton,
        isSameHolder: isSameHolderAs(holderPid),
        roots: this.roots,
      });
      if (conflict) {
        const { lock, reason } = conflict;
        return { acquired: false, conflict: lock, reason, reaped, problems };
      }

      const record = newRecord(request, holderPid, holderStart);
      const existing = live.find((lock) => lock.instance === request.instance);
      if (existing)
        return { acquired: false, conflict: existing, reason: 'instance', reaped, problems };
      const lock = this.publishUnderFreeName(record, request, [
        ...live.map((held) => held.instance),
        ...problems.map((problem) => problem.stem),
      ]);
      return { acquired: true, lock, reaped, problems };
    });
  }

  private createRunningDir(): void {
    try {
      mkdirSync(this.runningDir, { recursive: true });
    } catch (error) {
      throw environmentErrorFrom(error, 'create the lock directory', this.runningDir);
    }
  }

  async release(instance: string, options: ReleaseOptions): Promise<ReleaseOutcome> {
    assertSafeReference(instance);
    // Nothing to release needs no sentinel (and must not create one in a missing directory).
    if (!recordNamesOf(instance).some((name) => this.hasEntry(name)))
      return { status: 'missing', instance };
    return this.underSentinel(async () => {
      const read = this.readRecordOf(instance);
      if (!read.ok) {
        if ('gone' in read) return { status: 'missing', instance };
        if (!options.force) return { status: 'unreadable', problem: read.problem };
        if (lstatSync(read.problem.file, { throwIfNoEntry: false })?.isDirectory()) {
          throw new LockRecordError(
            `not released: ${read.problem.file} is a directory, not a lock record, and ` +
              'scopeguard removes only files. Remove it yourself if nothing uses it.',
            'record-is-directory',
          );
        }
        if (this.inLinkedFolder(read.problem.file)) {
          throw new LockRecordError(
            `not released: ${path.dirname(read.problem.file)} is a symbolic link to a folder, ` +
              'and scopeguard removes nothing through one. Remove the link yourself if nothing ' +
              'uses it.',
            'record-in-linked-folder',
          );
        }
        if (!this.removeEntry(read.problem.file)) return { status: 'missing', instance };
        return { status: 'removed-unreadable', problem: read.problem };
      }
      const lock = this.toLiveLock(read.value);
      const verdict = judgeHolder(read.value.record);
      if (
        verdict.alive &&
        !options.force &&
        !isHeldByAncestry(read.value.record, options.caller())
      ) {
        return { status: 'refused', lock };
      }
      if (!isUnchanged(this.runningDir, read.value)) return { status: 'changed', lock };
      if (!this.removeEntry(read.value.file)) return { status: 'missing', instance };
      return { status: 'released', lock };
    });
  }

  /** Live records of this directory and its peers, reaping stale ones in each first. */
  async snapshot(options: SnapshotOptions = {}): Promise<LockSnapshot> {
    const snapshots = [await this.ownSnapshot(options.keep)];
    for (const peer of this.peers) snapshots.push(await peer.snapshot(options));
    return {
      locks: snapshots.flatMap((snapshot) => snapshot.locks),
      problems: snapshots.flatMap((snapshot) => snapshot.problems),
      reaped: snapshots.flatMap((snapshot) => snapshot.reaped),
      ...(options.keep && { leftOut: totalLeftOut(snapshots) }),
    };
  }

  private async ownSnapshot(keep: SnapshotOptions['keep']): Promise<LockSnapshot> {
    let scan = this.scan(lexically, keep);
    let reaped: ReapedLock[] = [];
    // Python writes records in place under the sentinel, so a record that does not parse may be
    // half written: look again while holding the sentinel, when no cooperating writer is active.
    if (scan.dead.length > 0 || scan.problems.length > 0) {
      try {
        ({ scan, reaped } = await this.underSentinel(async () => {
          const again = this.scan(lexically, keep);
          return { scan: again, reaped: this.reapUnderSentinel(again.dead) };
        }));
      } catch (error) {
        // A reader that may not write here (a read-only checkout, another user's directory)
        // still reports what it sees; the dead holders' records stay for someone who can reap.
        // Environment errors carry the errno, in lower case, as their code.
        const code = error instanceof EnvironmentError ? error.code.toUpperCase() : undefined;
        if (code === undefined || !unwritableCodes.has(code)) throw error;
        scan.problems.push(
          ...scan.dead.map(({ file, reason }) => ({
            stem: file.stem,
            file: file.file,
            reason: `stale (${reason}) but cannot be removed here (${code})`,
            blocking: false,
          })),
        );
      }
    }
    return {
      locks: scan.live,
      problems: scan.problems,
      reaped,
      ...(keep && { leftOut: scan.leftOut }),
    };
  }

  async reap(options: { dryRun?: boolean } = {}): Promise<ReapedLock[]> {
    if (options.dryRun)
      return [this, ...this.peers].flatMap((store) =>
        store.scan().dead.map(({ file, reason }) => ({ ...store.toLiveLock(file), reason })),
      );
    return (await this.snapshot()).reaped;
  }

  async probe(): Promise<StoreProbe> {
    return {
      exists: this.runningDirs().some((dir) => existsSync(dir)),
      facts: [{ label: 'lock directory', value: this.runningDir }],
    };
  }

  /** Records do not expire: a holder keeps its lock by staying alive. */
  async renew(lock: LiveLock): Promise<RenewOutcome> {
    return { renewed: true, lock };
  }

  async close(): Promise<void> {}

  /**
   * Read and judge the records one at a time. A live one is kept as its lock, scope entries
   * normalised by `normalise`, unless `keep` turns it down, and the text it was read from is
   * dropped at once: a scan of thousands then leaves little behind for the garbage collector to
   * copy. Dead ones keep their text, which proves them unchanged before they are reaped.
   */
  private scan(normalise: ScopeNormaliser = lexically, keep?: SnapshotOptions['keep']): Scan {
    const scan: Scan = { live: [], leftOut: 0, dead: [], problems: [] };
    const judge = holderJudgeForScan();
    readRecordDirectory(this.runningDir, (read) => {
      if (!read.ok) {
        scan.problems.push(read.problem);
        return;
      }
      const verdict = judge(read.value.record);
      if (verdict.alive) {
        const lock = this.toLiveLock(read.value, normalise);
        if (keep === undefined || keep(lock)) scan.live.push(lock);
        else scan.leftOut++;
      } else if (read.value.name.split('/').some((part) => part.startsWith('.')))
        scan.problems.push(keptDotFile(read.value, verdict.reason));
      else scan.dead.push({ file: read.value, reason: verdict.reason });
    });
    return scan;
  }

  /** Remove dead holders' records that are unchanged since they were judged. Sentinel held. */
  private reapUnderSentinel(dead: Scan['dead']): ReapedLock[] {
    const reaped: ReapedLock[] = [];
    for (const { file, reason } of dead) {
      if (!isUnchanged(this.runningDir, file) || !this.removeEntry(file.file)) continue;
      reaped.push({ ...this.toLiveLock(file), reason });
    }
    return reaped;
  }

  /**
   * Hold the sentinels of this directory and of every peer directory that exists, always taken in
   * path order so that two acquirers never each wait for the other. A peer directory created
   * while they were being taken is taken too before `work` looks at anything, so two acquirers
   * in different checkouts always see each other's records.
   */
  private async underAllSentinels<T>(work: () => Promise<T>): Promise<T> {
    const lockedDirs = () =>
      [this.runningDir, ...this.peers.map((peer) => peer.runningDir).filter(existsSync)].sort();
    for (;;) {
      const dirs = lockedDirs();
      const held: HeldSentinel[] = [];
      try {
        for (const dir of dirs) held.push(await holdSentinel(dir, this.sentinelTimeoutMs));
        if (lockedDirs().join('\0') === dirs.join('\0')) return await work();
      } finally {
        for (const sentinel of held.reverse()) sentinel.release();
      }
    }
  }

  private async underSentinel<T>(work: () => Promise<T>): Promise<T> {
    let sentinel: HeldSentinel | undefined;
    try {
      sentinel = await holdSentinel(this.runningDir, this.sentinelTimeoutMs);
      return await work();
    } finally {
      sentinel?.release();
    }
  }

  /**
   * Publish under the requested instance name, or under a fresh name of the loop's (see
   * `freshInstance`). An explicit name that an unreadable record or an outside writer occupies is
   * an error: we never overwrite what we cannot judge.
   */
  private publishUnderFreeName(
    record: LockRecord,
    request: AcquireRequest,
    taken: string[],
  ): LiveLock {
    const occupied = new Set(taken);
    for (;;) {
      const instance = request.instance ?? freshInstance(request.loopName, new Date());
      const location = this.recordPath(instance);
      if (!occupied.has(instance)) {
        const published: LockRecord = { ...record, instance };
        if (publishRecord(this.runningDir, instance, serializeLockRecord(published))) {
          return { instance, location, record: published };
        }
      }
      if (request.instance !== undefined) {
        throw new LockRecordError(
          `cannot take instance "${instance}": ${location} already exists and cannot be read as a ` +
            'live lock. Choose another --instance, or inspect it with `scopeguard locks list`.',
          'instance-occupied',
        );
      }
    }
  }

  private toLiveLock(file: RecordFile, normalise: ScopeNormaliser = lexically): LiveLock {
    // Records we and Python write hold resolved absolute paths already; other writers' entries
    // are normalised (relative to the project root, no `//`, `.`, `..` or trailing `/`).
    const { record } = file;
    const scope = normalisedEntries(record.scope, normalise, this.projectRoot);
    return {
      instance: file.stem,
      location: file.file,
      record: scope === record.scope ? record : { ...record, scope },
    };
  }

  /**
   * The record of `instance`: the flat file we write, else the nested one today's little-loops
   * writes for an id with `/`. A file whose record names another id is not it.
   */
  private readRecordOf(instance: string): ReadOutcome {
    for (const name of recordNamesOf(instance)) {
      const read = readRecordFile(this.runningDir, name);
      if (read.ok ? read.value.stem === instance : !('gone' in read)) return read;
    }
    return { ok: false, gone: true };
  }

  /** Whether `name` exists in `.running/` in any shape (symlinks not followed). */
  private hasEntry(name: string): boolean {
    try {
      lstatSync(path.join(this.runningDir, name));
      return true;
    } catch (error) {
      const code = errnoCode(error);
      return code !== 'ENOENT' && code !== 'ENOTDIR';
    }
  }

  /**
   * Remove a file (or symlink) of the lock directory; false when it is already gone, or when the
   * folder it was read in has been swapped for a symlink since: the file would then be elsewhere.
   */
  private removeEntry(file: string): boolean {
    if (this.inLinkedFolder(file)) return false;
    try {
      unlinkSync(file);
      return true;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
      throw environmentErrorFrom(error, 'remove', file);
    }
  }

  /** Whether `file` lies in a folder of `.running/` that is a symlink (never `.running/` itself). */
  private inLinkedFolder(file: string): boolean {
    const folder = path.dirname(file);
    return (
      folder !== this.runningDir &&
      (lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink() ?? false)
    );
  }

  private recordPath(instance: string): string {
    return path.join(this.runningDir, flatRecordName(instance));
  }
}

/**
 * `entries` with `normalise` applied to each against `projectRoot`; the same array when that
 * changes none, as for the records we and Python write, so a scan of thousands copies no record
 * (nor makes a closure per record).
 */
function normalisedEntries(
  entries: string[],
  normalise: ScopeNormaliser,
  projectRoot: string,
): string[] {
  let changed: string[] | undefined;
  for (let index = 0; index < entries.length; index++) {
    const entry = normalise(entries[index]!, projectRoot);
    if (changed === undefined && entry !== entries[index]) changed = entries.slice(0, index);
    changed?.push(entry);
  }
  return changed ?? entries;
}

/** How a record's scope entry is made absolute against the project root. */
type ScopeNormaliser = (entry: string, projectRoot: string) => string;

/** A scope entry made absolute against the project root without touching the disk. */
function lexically(entry: string, projectRoot: string): string {
  return resolveLexically(projectRoot, entry);
}

/** The record an acquire writes, before a free instance name is chosen for it. */
function newRecord(
  request: AcquireRequest,
  holderPid: number,
  holderStart: string | undefined,
): LockRecord {
  return {
    loop_name: request.loopName,
    scope: request.scope,
    pid: holderPid,
    started_at: pythonIsoTimestamp(new Date()),
    ...(request.singleton ? { singleton: true as const } : {}),
    schema: recordSchemaVersion,
    host: currentHost(),
    ...optional('boot_id', currentBootId()),
    ...optional('proc_start', holderStart),
    ...optional('pid_ns', currentPidNamespace()),
  };
}

/**
 * A record whose holder is dead but whose name starts with a dot: Python reaps it, but dot-files
 * belong to the lock directory itself, and no scopeguard command removes them.
 */
function keptDotFile({ stem, file }: RecordFile, reason: string): RecordProblem {
  return {
    stem,
    file,
    reason: `stale (${reason}), but a dot-file, which scopeguard never removes`,
    blocking: false,
  };
}

function optional<K extends string>(
  key: K,
  value: string | null | undefined,
): Partial<Record<K, string>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
