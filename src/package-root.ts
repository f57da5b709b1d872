import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder: the nearest one above this module holding the hook script. This
 * module runs from the compiled tree (dist/) and from the bundled CLI (dist/cli.js), at different
 * depths.
 */
export function packageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'hooks', 'pre-commit'))) return dir;
    if (path.dirname(dir) === dir)
      throw new Error(
        `no hooks/pre-commit in any folder above ${start}: the package is incomplete`,
      );
  }
}
