import path from 'node:path';
import { writeFiles } from './commit-repo.js';
import { git, makeTempDir, makeTempRepo } from './temp-dir.js';

/** An origin repository with one commit, and `count` clones of it at different paths. */
export function clones(count: number): { origin: string; clones: string[] } {
  const origin = makeTempRepo();
  writeFiles(origin, { 'src/a.ts': 'a\n', 'README.md': 'r\n' });
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'baseline');
  const parent = makeTempDir('scopeguard-clones-');
  const made = Array.from({ length: count }, (_, index) => {
    const dir = path.join(parent, `clone-${index}`);
    git(parent, 'clone', '-q', origin, dir);
    return dir;
  });
  return { origin, clones: made };
}
