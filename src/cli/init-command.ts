import { ignoreLockRecords, installPreCommitHook } from '../git/hook-install.js';
import { openRepository, recordMainWorktree } from '../git/repository.js';
import { runningDirName } from '../lock/file-lock-store.js';
import path from 'node:path';
import { defineCommand } from './command-context.js';
import { loadProjectSettings } from './project-settings.js';

interface InitArgs {
  loopsDir?: string;
}

export const initCommand = defineCommand<InitArgs>({
  command: 'init',
  describe: 'Install the pre-commit hook (husky or plain git) and git-ignore the lock records',
  builder: (yargs) => yargs,
  async run(args, { io }) {
    const repository = await openRepository(io.cwd, io.env);
    const actions = await installPreCommitHook(repository, { nodePath: io.execPath, env: io.env });
    const { location } = await loadProjectSettings(io, args.loopsDir, repository);
    const ignored = await ignoreLockRecords(
      repository,
      path.join(location.loopsDir, runningDirName),
      io.env,
    );
    if (ignored) actions.push(ignored);
    const recorded = recordMainWorktree(repository);
    if (recorded) actions.push(recorded);
    for (const action of actions) io.stdout.write(`scopeguard: ${action}\n`);
    io.stdout.write('scopeguard: check the setup any time with `scopeguard doctor`\n');
    return 0;
  },
});
