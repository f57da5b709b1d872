import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../support/cli.js';
import { writeFiles } from '../support/commit-repo.js';
import { locksInSight } from '../support/locks-in-sight.js';
import { packageCopy } from '../support/package-copy.js';
import { git, isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

// The commit hooks' first stage (dist/commit-first-stage.cjs) ends `pre-commit` and
// `commit-msg FILE` when no lock is in sight, before the hook bundle loads; at any doubt it hands
// over to the hook bundle. Here the hook bundle of a copy of the package is replaced by one that only says it ran, so each
// case shows which of the two answered.
const fullHookSays = 'the full hook ran\n';

function packageWithMarkedHook(): string {
  const { bin, dist } = packageCopy();
  writeFileSync(
    path.join(dist, 'hook.cjs'),
    `exports.runHookCommand = async () => { process.stdout.write(${JSON.stringify(fullHookSays)}); };\n`,
  );
  return bin;
}

/** A repository with one commit, and the message file of the commit-msg hook. */
function repository(): { root: string; message: string } {
  const root = makeTempRepo();
  writeFiles(root, { 'a.txt': 'a\n' });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'baseline');
  const message = path.join(makeTempDir(), 'COMMIT_EDITMSG');
  writeFileSync(message, 'a change\n');
  return { root, message };
}

/** What the installed hooks run where no `.loops/.running` is in their folder. */
const hookCalls = (message: string) => [['pre-commit'], ['commit-msg', message]];

async function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return runProcess(process.execPath, [bin, ...args], { cwd, env: isolatedEnv(env) });
}

const handOverCases: {
  name: string;
  setup?: (root: string) => void;
  env?: NodeJS.ProcessEnv;
  args?: (message: string) => string[][];
  cwd?: (root: string) => string;
}[] = [
  {
    name: 'a lock directory here',
    setup: (root) => mkdirSync(path.join(root, '.loops/.running'), { recursive: true }),
  },
  {
    // The bin sends a lock directory in the hook's own folder to the full hook before the first
    // stage loads; run from a folder below, the first stage must find it itself.
    name: 'a lock directory at the top, run from a folder below',
    setup: (root) => {
      mkdirSync(path.join(root, '.loops/.running'), { recursive: true });
      mkdirSync(path.join(root, 'sub'));
    },
    cwd: (root) => path.join(root, 'sub'),
  },
  ...locksInSight,
  {
    name: 'a records folder that is a file',
    setup: (root) => writeFiles(root, { '.loops/.running': '' }),
  },
  {
    name: 'a records folder that is a symbolic link to nothing',
    setup: (root) => {
      mkdirSync(path.join(root, '.loops'));
      symlinkSync(path.join(makeTempDir(), 'gone'), path.join(root, '.loops/.running'));
    },
  },
  { name: 'a bad mode', env: { SCOPEGUARD_MODE: 'sometimes' } },
  { name: 'the debug trace', env: { SCOPEGUARD_DEBUG: '1' } },
  { name: 'a skipped commit', env: { SCOPEGUARD_SKIP: '1' }, args: () => [['pre-commit']] },
  {
    name: 'a skip switch it cannot read',
    env: { SCOPEGUARD_SKIP: 'maybe' },
    args: () => [['pre-commit']],
  },
  {
    name: 'flags',
    args: (message) => [
      ['pre-commit', '--mode', 'warn'],
      ['pre-commit', '--help'],
      ['commit-msg', message, '--as', 'x'],
      ['commit-msg', '--help'],
      ['commit-msg'],
    ],
  },
  { name: 'no repository', cwd: () => makeTempDir() },
];

describe("the hooks' first stage", () => {
  it('ends the hook, silent and with exit 0, where no lock directory is', async () => {
    const bin = packageWithMarkedHook();
    const { root, message } = repository();
    for (const args of hookCalls(message)) {
      const result = await run(bin, args, root);
      expect(result, args[0]).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
    }
  });

  it.each(handOverCases)(
    'hands over to the full hook when there may be a lock or something to say: $name',
    async ({ name, setup, env, args = hookCalls, cwd = (root) => root }) => {
      const bin = packageWithMarkedHook();
      const { root, message } = repository();
      setup?.(root);
      for (const call of args(message)) {
        const result = await run(bin, call, cwd(root), env);
        expect(result.stdout, `${name}: ${call.join(' ')}`).toBe(fullHookSays);
      }
    },
  );
});
