import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { binPath } from './cli.js';
import { isolatedEnv, makeTempDir } from './temp-dir.js';

// A probe required before the CLI writes, when the process exits, the built-in modules it loaded
// and the CommonJS files it required, with the bundles the bin loaded itself (each a child of the
// bin's module, though not in the require cache). CommonJS, so that it finds the require cache
// without the `node:module` builtin, which a test may want unloaded.
const probe = `
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const modules = Object.values(require.cache);
  const files = [...modules, ...modules.flatMap((module) => module.children)].map((module) => module.filename);
  writeFileSync(process.env.PROBE_OUT, [...process.moduleLoadList, ...new Set(files)].join('\\n'));
});
`;

/** What one run of the built CLI loaded: node's built-in modules and the files it required. */
export interface LoadedModules {
  builtins: string[];
  /** Every CommonJS file it required, native addons and the bundles the bin loads included. */
  files: string[];
  yargs: boolean;
}

/** Run the built CLI with `args` in `cwd`, `input` on stdin; it must exit 0. */
export function loadedBy(cwd: string, args: string[], input = ''): LoadedModules {
  const dir = makeTempDir();
  const probeFile = path.join(dir, 'probe.cjs');
  const out = path.join(dir, 'loaded.txt');
  writeFileSync(probeFile, probe);
  const result = spawnSync(process.execPath, ['--require', probeFile, binPath, ...args], {
    cwd,
    env: isolatedEnv({ PROBE_OUT: out }),
    input,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  const loaded = readFileSync(out, 'utf8').split('\n');
  return {
    files: loaded.filter((entry) => path.isAbsolute(entry)),
    builtins: loaded
      .filter((entry) => entry.startsWith('NativeModule '))
      .map((entry) => entry.slice('NativeModule '.length)),
    yargs: loaded.some((entry) => entry.includes(`${path.sep}yargs${path.sep}`)),
  };
}
