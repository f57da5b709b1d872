import { ExitCode } from '../errors.js';
import { findCheckouts } from '../git/checkouts.js';
import { findRepository } from '../git/repository.js';
import { FileLockStore } from '../lock/file-lock-store.js';
import { runningDirOf, type LoopsDirLocation } from '../lock/loops-dir.js';
import { scopeSpaceFor, type ScopeSpace } from '../lock/scope-space.js';
import { printable } from '../report/printable.js';
import { findHeldElsewhere } from '../store/held-elsewhere.js';
import type { PgLockStore } from '../store/pg-lock-store.js';
import type { RelayLoop } from '../store/relay-loop.js';
import { defineCommand, type CommandSpec } from './command-context.js';
import type { Io } from './io.js';
import { keepWhileHolderLives } from './lease-keeper-process.js';
import { loadProjectSettings } from '../config/project-settings.js';
import { openConfiguredSharedStore, type StoreFlags } from '../store/project-store.js';
import { describeHeldElsewhere, reportRelayEvent } from './relay-messages.js';

interface StoreArgs extends StoreFlags {
  loopsDir?: string;
}

/** What a command that manages the shared store works on. */
interface SharedStoreContext {
  store: PgLockStore;
  location: LoopsDirLocation;
  /** The repository's checkouts, whose lock directories and paths count as this project's. */
  space?: ScopeSpace;
}

/** Open the configured shared store, run `action` on it and close it. */
async function withSharedStore(
  args: StoreArgs,
  io: Io,
  action: (context: SharedStoreContext) => Promise<number>,
): Promise<number> {
  const repository = await findRepository(io.cwd, io.env);
  const { loaded, location } = await loadProjectSettings(io, args.loopsDir, repository);
  const checkouts = repository && (await findCheckouts(repository, io.env));
  const space = checkouts && scopeSpaceFor(checkouts, location.loopsDir);
  const store = await openConfiguredSharedStore({ io, flags: args, loaded, location, space });
  try {
    return await action({ store, location, ...(space && { space }) });
  } finally {
    await store.close();
  }
}

/** The lock directory this project's loops write, the Python original's included. */
function localStore({ location, space }: SharedStoreContext): FileLockStore {
  return new FileLockStore({
    loopsDir: location.loopsDir,
    projectRoot: location.projectRoot,
    ...(space && { space }),
  });
}

const storeMigrateCommand = defineCommand<StoreArgs>({
  command: 'migrate',
  describe: "Create or upgrade the shared store's schema (also done on first use)",
  builder: (yargs) => yargs,
  run: (args, { io }) =>
    withSharedStore(args, io, async ({ store }) => {
      const { before, after } = await store.migrate();
      io.stdout.write(
        before === after
          ? `scopeguard: the schema of ${printable(store.description)} is up to date (version ${after})\n`
          : `scopeguard: migrated the schema of ${printable(store.description)} from version ${before} to ${after}\n`,
      );
      return 0;
    }),
});

const storeStatusCommand = defineCommand<StoreArgs>({
  command: 'status',
  describe: 'Show the shared store: server (password masked), namespace, schema, live leases, TTL',
  builder: (yargs) => yargs,
  run: (args, { io }) =>
    withSharedStore(args, io, async (context) => {
      const { store, location, space } = context;
      for (const fact of (await store.probe()).facts)
        io.stdout.write(`${fact.label}: ${printable(fact.value)}\n`);
      const local = localStore(context);
      try {
        const [records, leases] = await Promise.all([local.snapshot(), store.snapshot()]);
        const now = Date.now();
        const found = findHeldElsewhere(records.locks, leases.locks, { roots: space?.roots });
        for (const { record, holder, reason } of found)
          io.stdout.write(
            `${describeHeldElsewhere(record, holder, reason, location.projectRoot, now)}\n`,
          );
      } finally {
        await local.close();
      }
      return 0;
    }),
});

interface RelayArgs extends StoreArgs {
  once: boolean;
}

// The relay looks at the directory at least this often, and at least three times per lease time
// to live, so a dead holder's lease is withdrawn well before it would run out.
const maxRescanMs = 5000;

const storeRelayCommand = defineCommand<RelayArgs>({
  command: 'relay',
  describe:
    "Publish the lock directory's live records (the Python original's too) as shared leases " +
    'and keep them while their holders live',
  builder: (yargs) =>
    yargs.option('once', {
      type: 'boolean',
      default: false,
      describe:
        'One pass, then exit (for cron; run it more often than the lease time to live): exit 1 when the server refused a record',
    }),
  run: (args, { io }) =>
    withSharedStore(args, io, async (context) => {
      const { store, location } = context;
      // Loaded here: the relay's hashing and watching cost every other command nothing.
      const [{ LeaseRelay }, { startRelayLoop }] = await Promise.all([
        import('../store/lease-relay.js'),
        import('../store/relay-loop.js'),
      ]);
      const local = localStore(context);
      let loop: RelayLoop | undefined;
      const relay = new LeaseRelay(local, store, {
        ttlMs: store.leaseTtlMs,
        keep: !args.once,
        onEvent: (event) => {
          reportRelayEvent(io, event, location.projectRoot);
          if (event.kind === 'lost') loop?.request();
        },
      });
      try {
        if (args.once) return (await relay.pass()).refused > 0 ? ExitCode.refused : ExitCode.ok;
        const runningDir = runningDirOf(location.loopsDir);
        io.stdout.write(
          `scopeguard relay: relaying ${printable(runningDir)} to ${printable(store.description)}\n`,
        );
        await new Promise<void>((resolve) => {
          const stopOn = (['SIGTERM', 'SIGINT'] as const).map((signal) =>
            io.onSignal(signal, () => {
              for (const unsubscribe of stopOn) unsubscribe();
              void loop!.stop().then(resolve);
            }),
          );
          loop = startRelayLoop(relay, {
            runningDir,
            rescanMs: Math.min(maxRescanMs, store.leaseTtlMs / 3),
            onError: (error) =>
              io.stderr.write(
                `scopeguard relay: warning: ${printable(error instanceof Error ? error.message : String(error))}; trying again\n`,
              ),
          });
        });
        return ExitCode.ok;
      } finally {
        await local.close();
      }
    }),
});

interface KeepArgs extends StoreArgs {
  instance: string;
  token: string;
}

/** Hidden: the detached keeper `locks acquire --pid` starts for a shared lease. */
const storeKeepCommand = defineCommand<KeepArgs>({
  command: 'keep',
  describe: false,
  builder: (yargs) =>
    yargs
      .option('instance', { type: 'string', demandOption: true })
      .option('token', { type: 'string', demandOption: true }),
  async run(args, { openLocks }) {
    const { manager, leaseTtlMs } = await openLocks(args);
    const { locks } = await manager.listLocks();
    const lock = locks.find(
      (found) => found.instance === args.instance && found.lease?.token === args.token,
    );
    if (!lock) return ExitCode.refused;
    await keepWhileHolderLives(manager, lock, leaseTtlMs);
    return ExitCode.ok;
  },
});

/**
 * `store migrate`, `store status` and `store relay` manage the shared store; `store keep` is
 * internal.
 */
export const storeCommands: CommandSpec[] = [
  storeMigrateCommand,
  storeStatusCommand,
  storeRelayCommand,
  storeKeepCommand,
];
