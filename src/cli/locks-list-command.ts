import { ExitCode } from '../errors.js';
import type { LiveLock, LockSnapshot } from '../lock/lock-store.js';
import type { LoopsDirLocation } from '../lock/loops-dir.js';
import { formatDuration } from '../report/duration.js';
import { storeJson } from '../report/json-report.js';
import { displayScopeEntry, lockAgeMs } from '../report/lock-summary.js';
import { printable, printableJson } from '../report/printable.js';
import { defineCommand } from './command-context.js';
import { reportReaped } from './lock-messages.js';

interface ListArgs {
  json: boolean;
  loopsDir?: string;
}

/** The JSON shape of `locks list --json`. */
export const listSchemaVersion = 1;

export const locksListCommand = defineCommand<ListArgs>({
  command: 'list',
  describe: 'List live scope locks (stale ones are reaped first) and unreadable records',
  builder: (yargs) =>
    yargs.option('json', {
      type: 'boolean',
      default: false,
      describe: 'One JSON document on stdout',
    }),
  async run(args, { io, openLocks }) {
    const { manager, location } = await openLocks(args);
    const found = await manager.listLocks();
    // Oldest first, as they were taken; directory order means nothing to a reader.
    const snapshot = { ...found, locks: [...found.locks].sort(byStartThenInstance) };
    const now = Date.now();
    if (args.json) {
      io.stdout.write(
        `${printableJson(JSON.stringify(listJson(snapshot, location, now), null, 2))}\n`,
      );
      return ExitCode.ok;
    }
    reportReaped(io.stderr, snapshot.reaped, now);
    io.stdout.write(listText(snapshot, location, now));
    return ExitCode.ok;
  },
});

function byStartThenInstance(a: LiveLock, b: LiveLock): number {
  const started = (Date.parse(a.record.started_at) || 0) - (Date.parse(b.record.started_at) || 0);
  return started !== 0 ? started : a.instance.localeCompare(b.instance);
}

function listJson(snapshot: LockSnapshot, location: LoopsDirLocation, now: number) {
  return {
    schemaVersion: listSchemaVersion,
    loopsDir: location.loopsDir,
    projectRoot: location.projectRoot,
    locks: snapshot.locks.map((lock) => ({
      instance: lock.instance,
      loop_name: lock.record.loop_name,
      pid: lock.record.pid,
      host: lock.record.host ?? null,
      started_at: lock.record.started_at,
      ageSeconds: ageSeconds(lockAgeMs(lock, now)),
      singleton: lock.record.singleton === true,
      scope: lock.record.scope,
      file: lock.location,
      ...storeJson(lock),
    })),
    problems: snapshot.problems.map((problem) => ({
      instance: problem.stem,
      file: problem.file,
      reason: problem.reason,
    })),
    reaped: snapshot.reaped.map((lock) => ({
      instance: lock.instance,
      loop_name: lock.record.loop_name,
      pid: lock.record.pid,
      reason: lock.reason,
      file: lock.location,
    })),
  };
}

function ageSeconds(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.floor(ms / 1000);
}

function listText(snapshot: LockSnapshot, location: LoopsDirLocation, now: number): string {
  const lines: string[] = [];
  const { locks, problems } = snapshot;
  if (locks.length === 0) lines.push(`No live locks in ${printable(location.loopsDir)}.`);
  else {
    // The STORE column appears only when a shared store is in use.
    const stores = locks.some((lock) => lock.store);
    const rows = locks.map((lock) => {
      const age = lockAgeMs(lock, now);
      return [
        ...(stores ? [lock.store ?? 'local'] : []),
        printable(lock.record.loop_name) + (lock.record.singleton ? ' (singleton)' : ''),
        printable(lock.instance),
        String(lock.record.pid),
        lock.record.host ? printable(lock.record.host) : '-',
        age === undefined ? '?' : formatDuration(age),
        lock.record.scope.map((entry) => displayScopeEntry(entry, location.projectRoot)).join(' '),
      ];
    });
    const header = ['LOOP', 'INSTANCE', 'PID', 'HOST', 'AGE', 'SCOPE'];
    lines.push(...table([[...(stores ? ['STORE'] : []), ...header], ...rows]));
  }
  if (problems.length > 0) {
    lines.push('', `Unreadable records (${problems.length}):`);
    for (const problem of problems)
      lines.push(`  ${printable(problem.file)}: ${printable(problem.reason)}`);
  }
  return `${lines.join('\n')}\n`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  '),
  );
}
