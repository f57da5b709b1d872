import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspectPreCommitHook } from '../git/hook-install.js';
import { openRepository } from '../git/repository.js';
import { FileLockStore } from '../lock/file-lock-store.js';
import { flockHelperName, holdSentinel } from '../lock/sentinel.js';
import { colorsFor } from '../report/color.js';
import { agentHooksCheck } from './agent-hooks-check.js';
import { defineCommand } from './command-context.js';
import { loadProjectSettings } from './project-settings.js';

interface DoctorArgs {
  loopsDir?: string;
}

interface Check {
  ok: boolean;
  label: string;
  detail: string;
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

    const store = new FileLockStore({
      loopsDir: location.loopsDir,
      projectRoot: repository.mainRoot,
    });
    const exists = existsSync(store.runningDir);
    checks.push({
      ok: true,
      label: 'lock directory',
      detail: `${store.runningDir} (from ${location.source})${exists ? '' : ', not created yet: no loop has taken a lock'}`,
    });
    checks.push({ ok: true, label: 'store', detail: `directory store at ${store.description}` });
    checks.push(await checkFlock());

    const snapshot = await store.snapshot();
    checks.push({
      ok: snapshot.problems.length === 0,
      label: 'lock records',
      detail:
        `${snapshot.locks.length} live, ${snapshot.reaped.length} stale reaped now` +
        snapshot.problems
          .map((problem) => `\n      unreadable: ${problem.file}: ${problem.reason}`)
          .join(''),
    });

    const colors = colorsFor(io.env, io.stdout.isTTY);
    for (const check of checks) {
      const mark = check.ok ? colors.green('ok  ') : colors.red('FAIL');
      io.stdout.write(`${mark} ${check.label}: ${check.detail}\n`);
    }
    return checks.every((check) => check.ok) ? 0 : 1;
  },
});

/** Take and drop a real flock(2) on a scratch sentinel, the way acquisition does. */
async function checkFlock(): Promise<Check> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'scopeguard-doctor-'));
  try {
    (await holdSentinel(scratch, 5000)).release();
    return {
      ok: true,
      label: 'flock(2) interop',
      detail: `available through \`${flockHelperName()}\``,
    };
  } catch (error) {
    return { ok: false, label: 'flock(2) interop', detail: (error as Error).message };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
