import { cpSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';
import { makeTempDir } from './temp-dir.js';

/** A copy of the built package (its bin, dist and hooks) in a temp folder, for tests that alter dist/. */
export function packageCopy(): { bin: string; dist: string } {
  const dir = makeTempDir('scopeguard-package-');
  for (const entry of ['bin', 'dist', 'hooks', 'package.json'])
    cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return { bin: path.join(dir, 'bin', 'scopeguard.js'), dist: path.join(dir, 'dist') };
}
