import type { StoreErrorPolicy } from '../config/load-config.js';
import { EnvironmentError } from '../errors.js';
import {
  collectChanges,
  listRenames,
  type ChangeSet,
  type ChangeSource,
} from '../git/change-set.js';
import { readIgnoreCase } from '../git/repository.js';
import { caseCanMatter, findConflicts, type Conflict } from './find-conflicts.js';
import { globMatcher } from '../glob-matcher.js';
import type { GuardReport } from './guard-report.js';
import { changesConcern, maxPathsToSiftLocks } from './changes-concern.js';
import { ownLockTest, partitionLocks } from './own-lock-policy.js';
import { withRenames } from './renamed-conflicts.js';
import { locksOutside } from './repo-scope.js';
import { scopeLockTrailerValue } from './scope-lock-trailer.js';
import { excuseByTrailers, type TrailerOwnership } from './trailer-ownership.js';
import { readRangeCommits } from '../git/range-commits.js';
import type { LiveLock, LockSnapshot, SnapshotOptions } from '../lock/lock-store.js';
import { processAncestry } from '../lock/own-locks.js';
import { LayeredLockStore } from '../store/layered-lock-store.js';
import { openProjectStore, type ProjectStore } from '../store/project-store.js';
import type { RunContext } from '../run-context.js';
import type { GuardMode } from './guard-mode.js';
import { locateGuard, type GuardLocation, type GuardLocationFlags } from './guard-location.js';

export interface GuardRequest {
  source: ChangeSource;
  flags: GuardLocationFlags;
  defaultMode?: GuardMode;
  /** What to do when the shared store cannot be reached, unless the config file says (default: block). */
  defaultOnStoreError?: StoreErrorPolicy;
  /**
   * Running as the git hook, on every commit: list the changes only when a foreign lock exists,
   * and keep quiet about a missing lock directory. Other entry points always list the changes,
   * so a mistyped ref fails the day it is written, not the first day a loop holds a lock.
   */
  asHook?: boolean;
}

/** Where a guard run looks, and the lock store it reads (closed by the caller). */
export type GuardSetup = ProjectStore & Omit<GuardLocation, 'loaded' | 'location'>;

/**
 * Locate the guard (see locateGuard) and open the lock store: the lock directory, those of the
 * repository's other checkouts, and a shared store when one is configured.
 */
export async function openGuardSetup(
  flags: GuardRequest['flags'],
  io: RunContext,
  defaultMode?: GuardMode,
  defaultOnStoreError: StoreErrorPolicy = 'block',
): Promise<GuardSetup> {
  const { loaded, location, ...located } = await locateGuard(flags, io, defaultMode);
  const opened = await openProjectStore({
    io,
    flags,
    loaded,
    location,
    space: located.space,
    defaultOnStoreError,
  });
  return { ...opened, ...located };
}

/**
 * One guard run: reap and read the live locks, list the changes and match them against the
 * foreign ones. A setup given is left open; one opened here is closed.
 */
export async function runGuard(
  request: GuardRequest,
  io: RunContext,
  setup?: GuardSetup,
): Promise<GuardReport> {
  if (setup) return guard(request, io, setup);
  const opened = await openGuardSetup(
    request.flags,
    io,
    request.defaultMode,
    request.defaultOnStoreError,
  );
  try {
    return await guard(request, io, opened);
  } finally {
    await opened.store.close();
  }
}

async function guard(
  request: GuardRequest,
  io: RunContext,
  setup: GuardSetup,
): Promise<GuardReport> {
  const { repository, settings, store, space, notes } = setup;
  const report: GuardReport = {
    mode: settings.mode,
    source: request.source.kind === 'paths' ? request.source.origin : request.source.kind,
    conflicts: [],
    ownByTrailer: [],
    ownLocks: [],
    outsideLocks: [],
    reaped: [],
    problems: [],
    strict: settings.strict,
    notes: [...notes],
    projectRoot: repository.mainRoot,
  };
  if (settings.mode === 'off') return report;

  // With a shared store, locks taken on other machines count: never "nothing to enforce".
  if (!request.asHook && !setup.shared && !(await store.probe()).exists) {
    report.notes.push(
      `no lock directory at ${store.description}: no loop holds a lock here, nothing to enforce`,
    );
  }
  const isOwn = ownLockTest(processAncestry, settings.identity);
  // The installed hook pipes the staged list in: a few changes known before any record is read
  // keep the thousands of locks that cannot concern them from being kept (see changesConcern).
  const known = await changesKnownFirst(request, repository, io);
  const knownPaths = known && checkedPaths(known, settings.ignore);
  const keep =
    knownPaths && knownPaths.length <= maxPathsToSiftLocks
      ? changesConcern(knownPaths, space.roots, isOwn)
      : undefined;
  const snapshot = await readLocks(setup, io, keep && { keep });
  report.reaped = snapshot.reaped;
  report.problems = snapshot.problems;
  const { own, foreign } = partitionLocks(snapshot.locks, isOwn);
  report.ownLocks = own;
  report.outsideLocks = locksOutside(foreign, space.roots);
  report.notes.push(...outsideLockNotes(report.outsideLocks));
  // The changes were checked against the locks left out too: the report says how many files.
  if (foreign.length === 0 && !snapshot.leftOut && request.asHook) return report;

  const changes = known ?? (await collectChanges(request.source, repository, io.cwd, io.env));
  for (const outside of changes.outside)
    report.notes.push(`${outside} is outside this repository; not checked`);
  const paths = knownPaths ?? checkedPaths(changes, settings.ignore);
  report.filesChecked = paths.length;
  if (changes.range) report.range = changes.range;
  const conflicts = await matchConflicts(paths, foreign, space.roots, () =>
    readIgnoreCase(io.cwd, io.env),
  );
  const owned = await excuseOwnWork(conflicts, changes.range, setup, io);
  report.ownByTrailer = owned.ownByTrailer;
  report.conflicts =
    owned.conflicts.length === 0
      ? []
      : withRenames(owned.conflicts, await listRenames(request.source, io.cwd, io.env));
  return report;
}

/**
 * The changes, when the hook was given them and so they cost nothing to know before the locks
 * are read. A list that git failed to write is left for `collectChanges` to report, where it
 * always was: once a foreign lock is found.
 */
async function changesKnownFirst(
  request: GuardRequest,
  repository: GuardSetup['repository'],
  io: RunContext,
): Promise<ChangeSet | undefined> {
  const { source } = request;
  if (!request.asHook || source.kind !== 'staged' || source.piped === undefined) return undefined;
  try {
    return await collectChanges(source, repository, io.cwd, io.env);
  } catch {
    return undefined;
  }
}

/** The changed paths the guard checks: those the settings' `ignore` globs leave. */
function checkedPaths(changes: ChangeSet, ignore: string[]): readonly string[] {
  if (ignore.length === 0) return changes.paths;
  const ignored = globMatcher(ignore);
  return changes.paths.filter((file) => !ignored(file));
}

/**
 * A range's conflicts that are the holder's own work, as the trailers of its commits say; other
 * sources have no commits to read.
 */
async function excuseOwnWork(
  conflicts: Conflict[],
  range: ChangeSet['range'],
  setup: GuardSetup,
  io: RunContext,
): Promise<TrailerOwnership> {
  if (range === undefined || conflicts.length === 0) return { conflicts, ownByTrailer: [] };
  const commits = await readRangeCommits(range.mergeBase, range.head, io.cwd, io.env);
  const namespace = setup.shared?.namespace;
  return excuseByTrailers(conflicts, commits, (lock) => scopeLockTrailerValue(lock, namespace));
}

// Below this much work, matching twice costs less than the git process that reads the setting.
// Work is counted in paths looked up; each pass also indexes every scope entry first, which costs
// about as much as looking up four paths, so 1,000 locks of 5 entries already tip the balance.
const maxWorkToMatchTwice = 10_000;
const pathsPerScopeEntry = 4;

/**
 * Match the changes, asking git for `core.ignorecase` only when the answer depends on it: when
 * case can matter at all, and then when a case-folded match finds more than the exact one. On most
 * commits it does not, and the git process that reads the setting was the largest single cost of
 * the hook.
 */
async function matchConflicts(
  paths: readonly string[],
  locks: readonly LiveLock[],
  roots: readonly string[],
  readIgnoreCaseSetting: () => Promise<boolean>,
): Promise<Conflict[]> {
  if (!caseCanMatter(paths, locks, roots))
    return findConflicts(paths, locks, { worktreeRoots: roots, ignoreCase: false });
  const entries = locks.reduce((count, lock) => count + lock.record.scope.length, 0);
  if (paths.length + pathsPerScopeEntry * entries > maxWorkToMatchTwice) {
    return findConflicts(paths, locks, {
      worktreeRoots: roots,
      ignoreCase: await readIgnoreCaseSetting(),
    });
  }
  const exact = findConflicts(paths, locks, { worktreeRoots: roots, ignoreCase: false });
  const folded = findConflicts(paths, locks, { worktreeRoots: roots, ignoreCase: true });
  if (folded.length === exact.length) return exact;
  return (await readIgnoreCaseSetting()) ? folded : exact;
}

/**
 * The live locks. When the shared store cannot be reached and the policy is `warn` (the hooks'
 * default), say so loudly and go on with the lock directory alone, which still holds this
 * machine's loops.
 */
export async function readLocks(
  setup: GuardSetup,
  io: RunContext,
  options?: SnapshotOptions,
): Promise<LockSnapshot> {
  try {
    return await setup.store.snapshot(options);
  } catch (error) {
    const { store } = setup;
    if (
      setup.onStoreError !== 'warn' ||
      !(store instanceof LayeredLockStore) ||
      !(error instanceof EnvironmentError)
    )
      throw error;
    io.stderr.write(
      `scopeguard: WARNING: the shared lock store cannot be reached, so locks held on other ` +
        `machines were NOT checked; only the lock directory was: ${error.message}\n` +
        'scopeguard: (onStoreError is "warn"; set "onStoreError": "block" in the config to fail instead)\n',
    );
    return store.local.snapshot(options);
  }
}

/** Locks that guard nothing here named one by one, at most; the JSON report counts them all. */
const namedOutsideLocks = 5;

/**
 * The warnings about live locks none of whose entries lies in this repository: the first few by
 * name, then how many more, so that a lock directory shared from the wrong checkout does not bury
 * the verdict under a line per lock.
 */
function outsideLockNotes(locks: readonly LiveLock[]): string[] {
  const notes = locks
    .slice(0, namedOutsideLocks)
    .map(
      (lock, index) =>
        `warning: lock ${lock.instance} of loop "${lock.record.loop_name}" (${lock.location}) holds ` +
        `no path inside this repository (scope: ${lock.record.scope.join(', ')}), so nothing is ` +
        'checked against it here.' +
        (index === 0
          ? " A lock directory shared from another checkout must be that checkout's own .loops, " +
            'so that its entries map onto this repository.'
          : ''),
    );
  const unnamed = locks.length - notes.length;
  if (unnamed > 0) {
    notes.push(
      `warning: ${unnamed} more ${unnamed === 1 ? 'lock holds' : 'locks hold'} no path inside ` +
        'this repository either (`scopeguard locks list` names them all).',
    );
  }
  return notes;
}
