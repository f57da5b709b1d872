import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { afterEach } from 'vitest';

const restores: (() => void)[] = [];

afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

/**
 * Make a directory unwritable for this process, really: `chmod` for ordinary users, the immutable
 * attribute for root (whom permissions do not stop). Returns false when neither can be done here.
 * Restored after the test.
 */
export function makeDirectoryUnwritable(dir: string): boolean {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    restores.push(() => chmodSync(dir, 0o755));
    return true;
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  restores.push(() => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' }));
  return true;
}
