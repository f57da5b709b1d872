import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath } from '../support/cli.js';
import { isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

// Scripts run `locks acquire` and `locks release` around every piece of work, so what they load
// is part of their cost. A probe loaded before the CLI writes, when the process exits, the built-in
// modules it loaded and the CommonJS files it required (yargs is one).
const probe = `
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
process.on('exit', () =>
  writeFileSync(process.env.PROBE_OUT, [...process.moduleLoadList, ...Object.keys(cache)].join('\\n')),
);
`;

function loadedBy(cwd: string, args: string[]): { builtins: string[]; yargs: boolean } {
  const dir = makeTempDir();
  const probeFile = path.join(dir, 'probe.mjs');
  const out = path.join(dir, 'loaded.txt');
  writeFileSync(probeFile, probe);
  const result = spawnSync(process.execPath, ['--import', probeFile, binPath, ...args], {
    cwd,
    env: isolatedEnv({ PROBE_OUT: out }),
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  const loaded = readFileSync(out, 'utf8').split('\n');
  return {
    builtins: loaded
      .filter((entry) => entry.startsWith('NativeModule '))
      .map((entry) => entry.slice('NativeModule '.length)),
    yargs: loaded.some((entry) => entry.includes(`${path.sep}yargs${path.sep}`)),
  };
}

describe('locks acquire and locks release at start-up', () => {
  it('load neither yargs nor child_process when written the plain way; help still comes from yargs', () => {
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
    }
    expect(loadedBy(root, ['locks', 'acquire', '--help']).yargs).toBe(true);
  });
});
