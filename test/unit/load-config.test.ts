import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { makeTempDir } from '../support/temp-dir.js';

function configIn(content: unknown): string {
  const dir = makeTempDir();
  writeFileSync(path.join(dir, '.scopeguardrc.json'), JSON.stringify(content));
  return dir;
}

describe('shared-store keys in the config file', () => {
  it('reads store, namespace, onStoreError and leaseTtl', async () => {
    const dir = configIn({
      store: 'postgres://u@h/db',
      namespace: 'team/repo',
      onStoreError: 'block',
      leaseTtl: 30,
    });
    expect((await loadConfig(dir, dir)).config).toEqual({
      store: 'postgres://u@h/db',
      namespace: 'team/repo',
      onStoreError: 'block',
      leaseTtl: 30,
    });
  });

  it.each([
    [{ store: '' }, '"store" should be a non-empty string'],
    [{ namespace: 7 }, '"namespace" should be a non-empty string'],
    [{ onStoreError: 'ignore' }, '"onStoreError" should be one of block, warn, not "ignore"'],
    [{ leaseTtl: 1 }, '"leaseTtl" should be a number of seconds, at least 3'],
    [{ leaseTtl: '60' }, '"leaseTtl" should be a number of seconds, at least 3'],
  ])('refuses %j (exit 2) naming the key', async (content, message) => {
    const dir = configIn(content);
    await expect(loadConfig(dir, dir)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(message),
    });
  });
});
