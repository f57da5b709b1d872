import { builtin } from '../builtin.js';
import { UsageError } from '../errors.js';
import { FileLockStore } from './file-lock-store.js';
import { assertSafeReference, assertValidName } from './lock-name.js';
import type {
  AcquireResult,
  ConflictReason,
  LiveLock,
  LockSnapshot,
  LockStore,
  ReapedLock,
  ReleaseOutcome,
} from './lock-store.js';
import { ancestorsOf, isSameHolderAs } from './own-locks.js';
import { pidExists } from './process-identity.js';
import { throwIfBlocking } from './record-file.js';
import { findScopeConflict } from './scope-conflict.js';
import { resolveScopePath } from './scope-path.js';
import type { ScopeSpace } from './scope-space.js';

export interface LockManagerOptions {
  /** The `.loops` directory; records live in its `.running/`. Used when no store is given. */
  loopsDir?: string;
  /** An empty scope means this folder; relative legacy scope entries resolve against it. */
  projectRoot: string;
  /** Relative scope entries resolve against this folder (default: `projectRoot`). */
  cwd?: string;
  /** The store to use instead of the directory store. */
  store?: LockStore;
  /** The other checkouts of the same files and their lock directories (directory store). */
  space?: ScopeSpace;
}

export interface AcquireOptions {
  instanceId?: string;
  singleton?: boolean;
  /** The long-lived holder process (default: this process). */
  pid?: number;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with the blocking lock (and why it blocks) each time a poll finds it still held. */
  onWaiting?: (blocker: LiveLock, waitedMs: number, reason: ConflictReason) => void;
}

/** Who asks a conflict question: a singleton loop is also blocked by its own name. */
export interface ConflictAsker {
  loopName?: string;
  singleton?: boolean;
}

const firstPollDelayMs = 50;
const maxPollDelayMs = 1000;

/**
 * The lock core's public face, shaped like the Python `LockManager`: acquire, release, find a
 * conflict, list, wait, reap. Scope entries are resolved here the way Python resolves them.
 */
export class LockManager {
  readonly store: LockStore;
  private readonly projectRoot: string;
  private readonly cwd: string;
  private readonly roots: readonly string[] | undefined;

  constructor(options: LockManagerOptions) {
    this.projectRoot = options.projectRoot;
    this.cwd = options.cwd ?? options.projectRoot;
    this.roots = options.space?.roots;
    if (options.store) this.store = options.store;
    else if (options.loopsDir)
      this.store = new FileLockStore({
        loopsDir: options.loopsDir,
        projectRoot: options.projectRoot,
        space: options.space,
      });
    else throw new UsageError('LockManager needs a loopsDir or a store', 'no-store');
  }

  /** Absolute, symlink-resolved scope entries; an empty scope is the project root. */
  resolveScope(scope: readonly string[]): string[] {
    const entries = scope.length === 0 ? [this.projectRoot] : scope;
    return entries.map((entry) => resolveScopePath(entry, this.cwd));
  }

  /** Atomically check for conflicts and create the record. */
  async acquire(
    loopName: string,
    scope: readonly string[],
    options: AcquireOptions = {},
  ): Promise<AcquireResult> {
    assertValidName('loop name', loopName);
    if (options.instanceId !== undefined) assertValidName('instance id', options.instanceId);
    if (
      options.pid !== undefined &&
      (!Number.isSafeInteger(options.pid) || options.pid <= 0 || !pidExists(options.pid))
    ) {
      throw new UsageError(
        `no running process has pid ${options.pid}; --pid must name the live holder`,
        'bad-pid',
      );
    }
    return this.store.acquire({
      loopName,
      scope: this.resolveScope(scope),
      instance: options.instanceId,
      singleton: options.singleton,
      pid: options.pid,
    });
  }

  /** Acquire, polling with backoff until the scope is free or the wait runs out. */
  async acquireWaiting(
    loopName: string,
    scope: readonly string[],
    options: AcquireOptions & WaitOptions,
  ): Promise<AcquireResult> {
    return this.poll<AcquireResult>(options, async () => {
      const result = await this.acquire(loopName, scope, options);
      return result.acquired
        ? { done: result }
        : { blocker: result.conflict, reason: result.reason, last: result };
    });
  }

  async release(instance: string, options: { force?: boolean } = {}): Promise<ReleaseOutcome> {
    assertSafeReference(instance);
    return this.store.release(instance, { force: options.force, caller: () => ancestorsOf() });
  }

  /**
   * The live lock a scope would conflict with, reaping stale records on the way; locks held by
   * this process or its ancestors never conflict, as in acquire. Throws, as
   * acquire does, while a record stands in the way that cannot be judged.
   */
  async findConflict(
    scope: readonly string[],
    query: ConflictAsker = {},
  ): Promise<LiveLock | undefined> {
    return (await this.conflictFor(scope, query))?.lock;
  }

  private async conflictFor(
    scope: readonly string[],
    query: ConflictAsker,
  ): Promise<{ lock: LiveLock; reason: ConflictReason } | undefined> {
    const { locks, problems } = await this.store.snapshot();
    throwIfBlocking(problems);
    return findScopeConflict(locks, {
      ...query,
      scope: this.resolveScope(scope),
      isSameHolder: isSameHolderAs(),
      roots: this.roots,
    });
  }

  listLocks(): Promise<LockSnapshot> {
    return this.store.snapshot();
  }

  reap(options: { dryRun?: boolean } = {}): Promise<ReapedLock[]> {
    return this.store.reap(options);
  }

  /**
   * Resolve to true once nothing holds an overlapping scope (nor, for a singleton asker, another
   * live lock of its loop name), false when the time runs out.
   */
  async waitForScope(
    scope: readonly string[],
    options: WaitOptions & ConflictAsker,
  ): Promise<boolean> {
    return this.poll<boolean>(options, async () => {
      const conflict = await this.conflictFor(scope, options);
      return conflict
        ? { blocker: conflict.lock, reason: conflict.reason, last: false }
        : { done: true };
    });
  }

  /**
   * Poll `attempt` with exponential backoff (50 ms doubling to 1 s) until it is done, the timeout
   * passes (returning the last answer) or the signal aborts (rejecting with its reason).
   */
  private async poll<T>(
    options: WaitOptions,
    attempt: () => Promise<{ done: T } | { blocker: LiveLock; reason: ConflictReason; last: T }>,
  ): Promise<T> {
    const started = Date.now();
    let delay = firstPollDelayMs;
    for (;;) {
      options.signal?.throwIfAborted();
      const outcome = await attempt();
      if ('done' in outcome) return outcome.done;
      const waited = Date.now() - started;
      const remaining = options.timeoutMs - waited;
      if (remaining <= 0) return outcome.last;
      options.onWaiting?.(outcome.blocker, waited, outcome.reason);
      await builtin('node:timers/promises')
        .setTimeout(Math.min(delay, remaining), undefined, { signal: options.signal })
        .catch((error: unknown) => {
          throw options.signal?.aborted ? options.signal.reason : error;
        });
      delay = Math.min(delay * 2, maxPollDelayMs);
    }
  }
}
