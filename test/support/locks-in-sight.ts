import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFiles } from './commit-repo.js';
import { git, makeTempDir } from './temp-dir.js';

/**
 * Where a guard located in the repository `root` may find a lock, or has something to say, though
 * the repository has no lock directory of its own: each hook's first stage must hand such a run
 * over to the full hook.
 */
export const locksInSight: {
  name: string;
  setup?: (root: string) => void;
  env?: NodeJS.ProcessEnv;
}[] = [
  {
    name: "another worktree's lock directory",
    setup: (root) => {
      const worktree = path.join(makeTempDir(), 'wt');
      git(root, 'worktree', 'add', '-q', worktree);
      mkdirSync(path.join(worktree, '.loops/.running'), { recursive: true });
    },
  },
  {
    name: 'a loops directory named in the environment',
    setup: (root) => mkdirSync(path.join(root, 'locks/.running'), { recursive: true }),
    env: { SCOPEGUARD_LOOPS_DIR: 'locks' },
  },
  {
    name: "a loops directory in scopeguard's config",
    setup: (root) => {
      mkdirSync(path.join(root, 'locks/.running'), { recursive: true });
      writeFiles(root, { '.scopeguardrc.json': '{ "loopsDir": "locks" }\n' });
    },
  },
  {
    name: "a loops directory in little-loops' config",
    setup: (root) => {
      mkdirSync(path.join(root, 'locks/.running'), { recursive: true });
      writeFiles(root, { '.ll/ll-config.json': '{ "loops": { "loops_dir": "locks" } }\n' });
    },
  },
  {
    name: 'a shared store in the environment',
    env: { SCOPEGUARD_STORE: 'postgres://u@127.0.0.1:9/x' },
  },
  {
    name: 'a shared store in the config',
    setup: (root) =>
      writeFiles(root, { '.scopeguardrc.json': '{ "store": "postgres://u@127.0.0.1:9/x" }\n' }),
  },
  {
    name: 'a config file that does not parse',
    setup: (root) => writeFiles(root, { '.scopeguardrc.json': '{' }),
  },
];
