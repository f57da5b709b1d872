import { Buffer } from 'node:buffer';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentPayload } from '../support/agent-payloads.js';
import { runProcess } from '../support/cli.js';
import { guardedRepo, holdLock, writeFiles } from '../support/commit-repo.js';
import { packageCopy } from '../support/package-copy.js';
import { git, isolatedEnv, makeTempDir } from '../support/temp-dir.js';

// The hook bundle runs from the V8 code cache the build writes (dist/hook.cache). A cache that is
// missing, made for another bundle, damaged, or made under other V8 flags must only cost a normal
// compile: the hook still finds the conflict. Each case runs a copy of the built package with its
// own cache file.

/**
 * Whether V8 took the cache the bin gives a bundle (`loader`, the hook bundle's unless named):
 * false (taken), true (rejected), undefined (none).
 */
async function cacheRejected(
  bin: string,
  nodeFlags: string[] = [],
  loader = 'loadHookBundle',
): Promise<unknown> {
  // A script file, not `-e`: node's own options count among its flags (process.execArgv).
  const probe = path.join(makeTempDir(), 'probe.cjs');
  writeFileSync(
    probe,
    `process.stdout.write(String(require(${JSON.stringify(bin)}).${loader}().script.cachedDataRejected))`,
  );
  const result = await runProcess(process.execPath, [...nodeFlags, probe], {
    cwd: path.dirname(bin),
    env: isolatedEnv(),
  });
  expect(result.stderr).toBe('');
  return { true: true, false: false, undefined: undefined }[result.stdout];
}

describe('the hook code cache', () => {
  it('is taken as built, and a missing, foreign, damaged or mismatched one still blocks the commit', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n', 'README.md': 'r\n' });
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'changed\n' });
    git(root, 'add', 'src/a.ts');

    const { bin, dist } = packageCopy();
    const cache = path.join(dist, 'hook.cache');
    // The build id's line, then V8's data in base64.
    const built = readFileSync(cache, 'utf8');
    const buildId = built.slice(0, built.indexOf('\n') + 1);
    const variants: [string, string | undefined, unknown, string[]?][] = [
      ['as built', built, false],
      ['missing', undefined, undefined],
      ['of another build', `0123abcd\n${built.slice(buildId.length)}`, undefined],
      ['truncated', built.slice(0, built.length >> 1), true],
      ['not a cache', buildId + Buffer.alloc(4096, 7).toString('base64'), true],
      ['made under other V8 flags', built, true, ['--no-opt']],
    ];
    for (const [name, contents, rejected, nodeFlags = []] of variants) {
      if (contents) writeFileSync(cache, contents);
      else rmSync(cache, { force: true });
      expect(await cacheRejected(bin, nodeFlags), name).toBe(rejected);
      const hook = await runProcess(process.execPath, [...nodeFlags, bin, 'pre-commit'], {
        cwd: root,
        env: isolatedEnv(),
      });
      expect(hook.code, `${name}: ${hook.stderr}`).toBe(1);
      expect(hook.stdout, name).toContain('src/a.ts');
      expect(hook.stdout, name).toContain('loop "refactor"');
    }
  });

  it('made under the scan flags is taken under them, and the commit is still blocked', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    await holdLock(root, 'refactor', ['src']);
    writeFiles(root, { 'src/a.ts': 'changed\n' });
    git(root, 'add', 'src/a.ts');
    const { bin } = packageCopy();
    const { scanFlags } = createRequire(import.meta.url)(bin) as { scanFlags: string[] };
    expect(await cacheRejected(bin, scanFlags)).toBe(false);
    const hook = await runProcess(process.execPath, [...scanFlags, bin, 'pre-commit'], {
      cwd: root,
      env: isolatedEnv(),
    });
    expect(hook.code, hook.stderr).toBe(1);
    expect(hook.stdout).toContain('loop "refactor"');
  });

  it('holds what the agent hook compiles to refuse an edit, not only to allow one', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    await holdLock(root, 'refactor', ['src']);
    const { bin, dist } = packageCopy();
    const built = readFileSync(path.join(dist, 'hook.cache'), 'utf8');
    const cached = Buffer.from(built.slice(built.indexOf('\n') + 1), 'base64').length;
    const payload = agentPayload.claude(root, 'Edit', {
      file_path: path.join(root, 'src/a.ts'),
      old_string: 'a',
      new_string: 'b',
    });
    // One refusal with the cache as built, then the cache V8 would write after it: every function
    // the refusal compiled that the build did not run makes it larger.
    const probe = path.join(makeTempDir(), 'probe.cjs');
    writeFileSync(
      probe,
      `const { exports: hook, script } = require(${JSON.stringify(bin)}).loadHookBundle();
      const payload = { kind: 'json', value: ${JSON.stringify(payload)} };
      hook.runHookCommand(['agent-hook'], payload).then(() => {
        process.stderr.write(JSON.stringify({
          rejected: script.cachedDataRejected,
          after: script.createCachedData().length,
        }));
      });`,
    );
    const result = await runProcess(process.execPath, [probe], { cwd: root, env: isolatedEnv() });
    expect(result.stdout).toContain('"permissionDecision":"deny"');
    const { rejected, after } = JSON.parse(result.stderr) as { rejected: boolean; after: number };
    expect(rejected).toBe(false);
    // A run the build made grows it by a few hundred bytes at most; the refusal's own code, left
    // out, is several kilobytes.
    expect(after - cached).toBeLessThan(2048);
  });

  it("of the hooks' first stage and of the lock commands' bundle are taken as built too", async () => {
    const { bin } = packageCopy();
    expect(await cacheRejected(bin, [], 'loadCommitFirstStage')).toBe(false);
    expect(await cacheRejected(bin, [], 'loadAgentFirstStage')).toBe(false);
    expect(await cacheRejected(bin, [], 'loadLockBundle')).toBe(false);
  });
});
