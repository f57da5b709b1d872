import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadedBy } from '../support/loaded-modules.js';
import { makeTempRepo } from '../support/temp-dir.js';

// Scripts run `locks acquire` and `locks release` around every piece of work, so what they load
// is part of their cost.
describe('locks acquire and locks release at start-up', () => {
  it("run from the hook bundle, loading neither yargs, child_process, crypto, streams nor the flock addon's loader, when written the plain way; help still comes from yargs", () => {
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
    for (const loaded of [acquire, release]) {
      expect(loaded.yargs).toBe(false);
      expect(loaded.builtins).not.toContain('child_process');
      // Random names come from /dev/urandom, output goes straight to the descriptors: node:crypto
      // and the standard streams (with Node's stream and network modules) cost more than the
      // lock work.
      expect(loaded.builtins).not.toContain('crypto');
      expect(loaded.builtins).not.toContain('stream');
      // The flock(2) addon's prebuilt binary is loaded by name, without the package's loader.
      const addon = loaded.files.filter((file) => file.includes('fs-ext-extra-prebuilt'));
      expect(addon).toHaveLength(1);
      expect(addon[0]).toMatch(/\.node$/);
      // Nor the whole CLI: the bin loads node:module only on its way to the ES module bundle.
      expect(loaded.builtins).not.toContain('module');
    }
    expect(loadedBy(root, ['locks', 'acquire', '--help']).yargs).toBe(true);
  });
});
