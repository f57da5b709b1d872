import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { loadedBy } from '../support/loaded-modules.js';
import { makeTempRepo } from '../support/temp-dir.js';

// Scripts run `locks acquire` and `locks release` around every piece of work, so what they load
// is part of their cost.
describe('locks acquire and locks release at start-up', () => {
  it("run from their own bundle, loading neither the hook bundle, yargs, child_process, crypto, streams nor the flock addon's loader, when written the plain way; help still comes from yargs", () => {
    const root = makeTempRepo();
    mkdirSync(path.join(root, 'src'));
    const pid = String(process.pid);
    const acquire = loadedBy(root, [
      'locks',
      'acquire',
      '--name',
      'job',
      '--scope',
      'src',
      '--pid',
      pid,
    ]);
    const release = loadedBy(root, ['locks', 'release', '--name', 'job', '--force']);
    const bundles = (loaded: { files: string[] }) =>
      loaded.files.filter((file) => path.dirname(file) === path.join(repoRoot, 'dist'));
    for (const loaded of [acquire, release]) {
      // Their own small bundle, not the hook bundle, which holds the hooks' code too.
      expect(bundles(loaded)).toEqual([path.join(repoRoot, 'dist', 'lock.cjs')]);
      expect(loaded.yargs).toBe(false);
      expect(loaded.builtins).not.toContain('child_process');
      // Random names come from /dev/urandom, output goes straight to the descriptors: node:crypto
      // and the standard streams (with Node's stream and network modules) cost more than the
      // lock work.
      expect(loaded.builtins).not.toContain('crypto');
      expect(loaded.builtins).not.toContain('stream');
      // The host name a record carries is read from the kernel, without node:os.
      expect(loaded.builtins).not.toContain('os');
      // The flock(2) addon's prebuilt binary is loaded by name, without the package's loader.
      const addon = loaded.files.filter((file) => file.includes('fs-ext-extra-prebuilt'));
      expect(addon).toHaveLength(1);
      expect(addon[0]).toMatch(/\.node$/);
      // Nor the whole CLI: the bin loads node:module only on its way to the ES module bundle.
      expect(loaded.builtins).not.toContain('module');
    }
    // Any other spelling goes from the lock bundle to the whole CLI.
    const help = loadedBy(root, ['locks', 'acquire', '--help']);
    expect(help.yargs).toBe(true);
    expect(bundles(help)).toEqual([path.join(repoRoot, 'dist', 'lock.cjs')]);
  });
});
