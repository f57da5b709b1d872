import { ExitCode } from '../errors.js';
import { findRepository } from '../git/repository.js';
import { printable } from '../report/printable.js';
import type { PgLockStore } from '../store/pg-lock-store.js';
import { defineCommand, type CommandSpec } from './command-context.js';
import type { Io } from './io.js';
import { keepWhileHolderLives } from './lease-keeper-process.js';
import { loadProjectSettings } from '../config/project-settings.js';
import { openConfiguredSharedStore, type StoreFlags } from '../store/project-store.js';

interface StoreArgs extends StoreFlags {
  loopsDir?: string;
}

/** Open the configured shared store, run `action` on it and close it. */
async function withSharedStore(
  args: StoreArgs,
  io: Io,
  action: (store: PgLockStore) => Promise<number>,
): Promise<number> {
  const repository = await findRepository(io.cwd, io.env);
  const { loaded, location } = await loadProjectSettings(io, args.loopsDir, repository);
  const store = await openConfiguredSharedStore({ io, flags: args, loaded, location });
  try {
    return await action(store);
  } finally {
    await store.close();
  }
}

const storeMigrateCommand = defineCommand<StoreArgs>({
  command: 'migrate',
  describe: "Create or upgrade the shared store's schema (also done on first use)",
  builder: (yargs) => yargs,
  run: (args, { io }) =>
    withSharedStore(args, io, async (store) => {
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
    withSharedStore(args, io, async (store) => {
      for (const fact of (await store.probe()).facts)
        io.stdout.write(`${fact.label}: ${printable(fact.value)}\n`);
      return 0;
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

/** `store migrate` and `store status` manage the shared store; `store keep` is internal. */
export const storeCommands: CommandSpec[] = [
  storeMigrateCommand,
  storeStatusCommand,
  storeKeepCommand,
];
