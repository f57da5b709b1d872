import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { guardedHooks } from '../../src/git/hook-managers/guarded-hooks.js';
import { hookEntry } from '../../src/git/hook-managers/pre-commit-framework.js';
import { repoRoot } from '../support/cli.js';

describe("the repository's .pre-commit-hooks.yaml", () => {
  it('declares every hook `init` adds to .pre-commit-config.yaml, with the same settings', () => {
    const shipped = parse(
      readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8'),
    ) as Record<string, unknown>[];
    const added = guardedHooks.map((hook) => (parse(hookEntry(hook)) as unknown[])[0]);
    expect(shipped.map(({ description: _description, ...hook }) => hook)).toEqual(added);
    for (const hook of shipped) expect(hook.description).toEqual(expect.any(String));
  });
});
