import { FileLockStore } from '../lock/file-lock-store.js';
import type { LockStore } from '../lock/lock-store.js';
import type { ScopeSpace } from '../lock/scope-space.js';
import { LayeredLockStore } from './layered-lock-store.js';
import { resolveNamespace } from './namespace.js';
import type { PgTimeouts } from './pg-connection.js';
import type { PgLockStore } from './pg-lock-store.js';
import { parseStoreUrl } from './store-url.js';

/** Which stores to open, as the settings (flags, environment, config file) decided. */
export interface StoreSettings {
  /** The directory store's `.loops` directory; records live in its `.running/`. */
  loopsDir: string;
  /** The main worktree's top level. */
  projectRoot: string;
  /** The repository's other checkouts and their lock directories, read by the directory store. */
  space?: ScopeSpace;
  /** A shared store to use as well; without it, the directory store alone. */
  shared?: SharedStoreSettings;
}

/** The shared store's settings. */
export interface SharedStoreSettings {
  /** The `postgres://` URL. */
  url: string;
  /** Where the URL was set (`--store`, `SCOPEGUARD_STORE`, a config file), for error messages. */
  urlSource: string;
  /** The namespace when set; otherwise it is derived from the `origin` remote of `cwd`. */
  namespace?: string;
  /** A folder inside the repository. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Every worktree's top level (default: the project root). */
  worktreeRoots?: readonly string[];
  /** `core.ignorecase`: compare scope entries case-folded when acquiring. */
  ignoreCase?: boolean;
  schema?: string;
  leaseTtlMs?: number;
  timeouts?: Partial<PgTimeouts>;
  /** The host name written into leases (default: this machine's). */
  host?: string;
}

/**
 * The one place that chooses stores: the directory store always, and with a shared store
 * configured, both together. Settings are checked (URL, namespace) before any connection is
 * made. The database driver is loaded only here and only when a shared store is configured, so
 * the directory store's hook path never pays for it.
 */
export async function openStore(settings: StoreSettings): Promise<LockStore> {
  const local = new FileLockStore({
    loopsDir: settings.loopsDir,
    projectRoot: settings.projectRoot,
    space: settings.space,
  });
  if (!settings.shared) return local;
  const shared = { worktreeRoots: settings.space?.roots, ...settings.shared };
  return new LayeredLockStore(local, await openSharedStore(shared, settings.projectRoot));
}

/** The shared store alone, for commands that manage it (`store migrate`, `store status`). */
export async function openSharedStore(
  shared: SharedStoreSettings,
  projectRoot: string,
): Promise<PgLockStore> {
  const url = parseStoreUrl(shared.url, shared.urlSource);
  const namespace = await resolveNamespace({
    explicit: shared.namespace,
    cwd: shared.cwd,
    env: shared.env,
  });
  const { PgLockStore } = await import('./pg-lock-store.js');
  return new PgLockStore({
    url,
    namespace,
    projectRoot,
    worktreeRoots: shared.worktreeRoots,
    ignoreCase: shared.ignoreCase,
    schema: shared.schema,
    leaseTtlMs: shared.leaseTtlMs,
    timeouts: shared.timeouts,
    host: shared.host,
  });
}
