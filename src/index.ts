/**
 * scopeguard's library API: the lock core, shared on disk with little-loops' Python LockManager.
 */
export {
  ExitCode,
  ScopeguardError,
  UsageError,
  LockRecordError,
  EnvironmentError,
} from './errors.js';
export { LockManager } from './lock/lock-manager.js';
export type { LockManagerOptions, AcquireOptions, WaitOptions } from './lock/lock-manager.js';
export { FileLockStore } from './lock/file-lock-store.js';
export { runningDirName } from './lock/loops-dir.js';
export type { FileLockStoreOptions } from './lock/file-lock-store.js';
export type {
  LockStore,
  LiveLock,
  ReapedLock,
  LockSnapshot,
  SnapshotOptions,
  AcquireRequest,
  AcquireResult,
  ConflictReason,
  ReleaseOptions,
  ReleaseOutcome,
  RenewOutcome,
  StoreProbe,
  StoreProblem,
  StoreLabel,
  Lease,
} from './lock/lock-store.js';
export { openStore, openSharedStore } from './store/open-store.js';
export type { StoreSettings, SharedStoreSettings } from './store/open-store.js';
export { LayeredLockStore } from './store/layered-lock-store.js';
export { resolveNamespace, normaliseRemoteUrl } from './store/namespace.js';
export { parseStoreUrl, maskUrl } from './store/store-url.js';
export type { StoreUrl } from './store/store-url.js';
// Types only: the class itself is loaded on demand by openStore, with the database driver.
export type { PgLockStore, PgLockStoreOptions } from './store/pg-lock-store.js';
export type { PgTimeouts } from './store/pg-connection.js';
export { parseLockRecord, serializeLockRecord } from './lock/lock-record.js';
export type { LockRecord, ParseResult } from './lock/lock-record.js';
export type { RecordProblem } from './lock/record-file.js';
export { resolveScopePath, pathsOverlap } from './lock/scope-path.js';
export { entriesOverlap, scopesOverlap } from './lock/scope-overlap.js';
export type { ScopeSpace } from './lock/scope-space.js';
export { findScopeConflict } from './lock/scope-conflict.js';
export { judgeHolder } from './lock/holder-liveness.js';
export { processAncestry, isHeldByAncestry } from './lock/own-locks.js';
export type { AncestorProcess } from './lock/own-locks.js';
export { locateLoopsDir, loopsDirEnv } from './lock/loops-dir.js';
export type { LoopsDirLocation } from './lock/loops-dir.js';
export { holdSentinel, sentinelName } from './lock/sentinel.js';
export { main } from './cli/main.js';
export type { Io, OutputStream } from './cli/io.js';
