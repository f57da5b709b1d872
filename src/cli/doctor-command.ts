import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { environmentErrorFrom } from '../errno-error.js';
import { EnvironmentError, ExitCode, ScopeguardError } from '../errors.js';
import { inspectPreCommitHook } from '../git/hook-install.js';
import { openRepository } from '../git/repository.js';
import type { LockStore } from '../lock/lock-store.js';
import { flockHelperName, holdSentinel } from '../lock/sentinel.js';
import { colorsFor } from '../report/color.js';
import { agentHooksCheck } from './agent-hooks-check.js';
import { defineCommand } from './command-context.js';
import { loadProjectSettings } from '../config/project-settings.js';
import { printable } from '../report/printable.js';
import { LayeredLockStore } from '../store/layered-lock-store.js';
import { openProjectStore, type StoreFlags } from '../store/project-store.js';

interface DoctorArgs extends StoreFlags {
  loopsDir?: string;
}

interface Check {
  ok: boolean;
  label: string;
  detail: string;
  /** Failed because of the environment (exit 3) rather than the setup (exit 1). */
  environment?: boolean;
}

export const doctorCommand = defineCommand<DoctorArgs>({
  command: 'doctor',
  describe:
    'Check the setup: hook active in this worktree, lock directory, flock(2), store, records',
  builder: (yargs) => yargs,
  async run(args, { io }) {
    const checks: Check[] = [];
    const repository = await openRepository(io.cwd, io.env);
    const worktree =
      repository.topLevel === repository.mainRoot
        ? ''
        : ` (linked worktree of ${repository.mainRoot})`;
    checks.push({ ok: true, label: 'repository', detail: `${repository.topLevel}${worktree}` });

    const hook = await inspectPreCommitHook(repository, io.env);
    checks.push({ ok: hook.active, label: 'pre-commit hook', detail: hook.detail });
    checks.push(agentHooksCheck(repository.topLevel, io.env));

    const { loaded, location } = await loadProjectSettings(io, args.loopsDir, repository);
    checks.push({
      ok: true,
      label: 'configuration',
      detail: loaded.file ?? 'none (defaults: mode block)',
    });

    const { store } = await openProjectStore({
      io,
      flags: args,
      loaded,
      location,
      defaultOnStoreError: 'block',
    });
    try {
      checks.push(...(await storeChecks(store, location.source)));
    } finally {
      await store.close();
    }

    const colors = colorsFor(io.env, io.stdout.isTTY);
    for (const check of checks) {
      const mark = check.ok ? colors.green('ok  ') : colors.red('FAIL');
      io.stdout.write(`${mark} ${check.label}: ${check.detail}\n`);
    }
    const failures = checks.filter((check) => !check.ok);
    if (failures.length === 0) return ExitCode.ok;
    return failures.some((check) => check.environment) ? ExitCode.environment : ExitCode.refused;
  },
});

/**
 * The lock directory, the shared store when there is one (its facts as `store status` shows them:
 * server with the password masked, namespace, schema version, live leases, lease TTL), flock(2),
 * and the records. An unreachable shared store fails its check (exit 3) and the rest still runs.
 */
async function storeChecks(store: LockStore, source: string): Promise<Check[]> {
  const local = store instanceof LayeredLockStore ? store.local : store;
  const { exists } = await local.probe();
  const checks: Check[] = [
    {
      ok: true,
      label: 'lock directory',
      detail: `${printable(local.description)} (from ${source})${exists ? '' : ', not created yet: no loop has taken a lock'}`,
    },
    {
      ok: true,
      label: 'store',
      detail:
        store instanceof LayeredLockStore
          ? `directory store, and the shared store ${printable(store.shared.description)}`
          : `directory store at ${printable(store.description)}`,
    },
  ];
  let reachable = true;
  if (store instanceof LayeredLockStore) {
    try {
      for (const fact of (await store.shared.probe()).facts)
        checks.push({ ok: true, label: `shared store ${fact.label}`, detail: fact.value });
    } catch (error) {
      if (!(error instanceof ScopeguardError)) throw error;
      reachable = false;
      checks.push({ ok: false, label: 'shared store', detail: error.message, environment: true });
    }
  }
  checks.push(await checkFlock());
  const snapshot = await (reachable ? store : local).snapshot();
  checks.push({
    ok: snapshot.problems.length === 0,
    label: 'lock records',
    detail:
      `${snapshot.locks.length} live, ${snapshot.reaped.length} stale reaped now` +
      snapshot.problems
        .map(
          (problem) =>
            `\n      unreadable: ${printable(problem.file)}: ${printable(problem.reason)}`,
        )
        .join(''),
  });
  return checks;
}

/** Take and drop a real flock(2) on a scratch sentinel, the way acquisition does. */
async function checkFlock(): Promise<Check> {
  const label = 'flock(2) interop';
  const failed = (error: unknown, doing: string, target: string): Check => {
    const reported =
      error instanceof ScopeguardError ? error : environmentErrorFrom(error, doing, target);
    if (!(reported instanceof ScopeguardError)) throw reported;
    return {
      ok: false,
      label,
      detail: reported.message,
      environment: reported instanceof EnvironmentError,
    };
  };
  let scratch: string;
  try {
    scratch = mkdtempSync(path.join(tmpdir(), 'scopeguard-doctor-'));
  } catch (error) {
    return failed(error, 'create a scratch folder in', `${tmpdir()} (from TMPDIR)`);
  }
  try {
    (await holdSentinel(scratch, 5000)).release();
    return { ok: true, label, detail: `available through \`${flockHelperName()}\`` };
  } catch (error) {
    return failed(error, 'take a flock(2) lock in', scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
