import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { holdLock, writeFiles } from '../support/commit-repo.js';
import { git, makeTempRepo } from '../support/temp-dir.js';

/** A repository with `src/a.ts` staged inside a scope a live foreign loop holds. */
async function blockedRepo(): Promise<string> {
  const root = makeTempRepo();
  await holdLock(root, 'refactor', ['src']);
  writeFiles(root, { 'src/a.ts': 'a\n' });
  git(root, 'add', 'src/a.ts');
  return root;
}

describe('SCOPEGUARD_SKIP', () => {
  it('skips the hook for the usual truthy spellings', async () => {
    const root = await blockedRepo();
    for (const value of ['1', 'true', 'yes', 'ON']) {
      const result = await runCli(['pre-commit'], { cwd: root, env: { SCOPEGUARD_SKIP: value } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe(
        `scopeguard: pre-commit check skipped (SCOPEGUARD_SKIP=${value})\n`,
      );
    }
  });

  it('checks for a falsy value, and warns about one that is neither before checking', async () => {
    const root = await blockedRepo();
    const off = await runCli(['pre-commit'], { cwd: root, env: { SCOPEGUARD_SKIP: '0' } });
    expect(off.code).toBe(1);
    expect(off.stderr).not.toContain('SCOPEGUARD_SKIP=0');

    const unclear = await runCli(['pre-commit'], { cwd: root, env: { SCOPEGUARD_SKIP: 'please' } });
    expect(unclear.code).toBe(1);
    expect(unclear.stderr).toContain(
      'scopeguard: ignoring SCOPEGUARD_SKIP=please: set it to 1 (or true, yes, on) to skip the check',
    );
    expect(unclear.stdout + unclear.stderr).toContain(
      '1 staged file inside scopes held by other loops',
    );
  });
});
