import { ExitCode, UsageError } from '../errors.js';
import type { ReleaseOutcome } from '../lock/lock-store.js';
import { describeHolder } from '../report/lock-summary.js';
import { defineCommand } from './command-context.js';
import { yargsOptions } from './command-flags.js';
import { releaseFlags } from './lock-flags.js';
import type { OutputStream } from './io.js';
import { printable, quoted } from '../report/printable.js';

interface ReleaseArgs {
  instance?: string;
  name?: string;
  force: boolean;
  loopsDir?: string;
}

export const locksReleaseCommand = defineCommand<ReleaseArgs>({
  command: 'release',
  describe: 'Release a lock by instance, or every lock of a loop name',
  builder: (yargs) =>
    yargs
      .options(yargsOptions(releaseFlags))
      .conflicts('instance', 'name')
      .check((args) => {
        if (args.instance === undefined && args.name === undefined)
          throw new UsageError('give --instance ID or --name NAME');
        return true;
      }),
  async run(args, { io, openLocks }) {
    const { manager } = await openLocks(args);
    let instances: string[];
    if (args.instance !== undefined) instances = [args.instance];
    else {
      const { locks, problems } = await manager.listLocks();
      instances = locks
        .filter((lock) => lock.record.loop_name === args.name)
        .map((lock) => lock.instance);
      if (args.force)
        instances.push(...problems.filter((p) => p.stem === args.name).map((p) => p.stem));
      if (instances.length === 0) {
        io.stderr.write(`scopeguard: no live lock of loop "${args.name}"; nothing to release\n`);
        return ExitCode.ok;
      }
    }
    let refused = 0;
    for (const instance of instances) {
      const outcome = await manager.release(instance, { force: args.force });
      if (!reportRelease(outcome, io.stdout, io.stderr)) refused++;
    }
    return refused === 0 ? ExitCode.ok : ExitCode.refused;
  },
});

/** Print what happened to one record; false when it was left in place. */
function reportRelease(
  outcome: ReleaseOutcome,
  stdout: OutputStream,
  stderr: OutputStream,
): boolean {
  switch (outcome.status) {
    case 'released':
      stdout.write(`released ${printable(outcome.lock.instance)}\n`);
      return true;
    case 'removed-unreadable':
      stdout.write(`removed unreadable record ${printable(outcome.problem.file)}\n`);
      return true;
    case 'missing':
      stderr.write(
        `scopeguard: no lock ${quoted(outcome.instance)} (already released?); nothing to do\n`,
      );
      return true;
    case 'refused':
      stderr.write(
        `scopeguard: not released: ${printable(outcome.lock.instance)} is held by a live process that is not ` +
          `this one or its parent: ${describeHolder(outcome.lock, Date.now())}. ` +
          'Ask its owner to stop it, or pass --force if you are sure.\n',
      );
      return false;
    case 'changed':
      stderr.write(
        `scopeguard: not released: ${printable(outcome.lock.instance)} was rewritten while it was being ` +
          'released (a new holder took the name), so it was left in place. See `scopeguard locks list`.\n',
      );
      return false;
    case 'unreadable':
      stderr.write(
        `scopeguard: not released: ${printable(outcome.problem.file)} is unreadable (${printable(outcome.problem.reason)}); ` +
          'pass --force to remove it anyway.\n',
      );
      return false;
  }
}
