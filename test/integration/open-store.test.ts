import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { openSharedStore, type StoreSettings } from '../../src/store/open-store.js';
import { repoRoot } from '../support/cli.js';
import { pgUrl } from '../support/postgres.js';
import { git, makeTempDir, makeTempRepo } from '../support/temp-dir.js';
import { rejection } from '../support/rejection.js';

const probe = path.join(repoRoot, 'test', 'integration', 'workers', 'open-store-probe.mjs');

/** Open stores in a fresh process of the built code; say what it got and what it loaded. */
function openInProcess(settings: StoreSettings): {
  store?: string;
  error?: string;
  exitCode?: number;
  pgLoaded: boolean;
} {
  return JSON.parse(
    execFileSync(process.execPath, [probe, JSON.stringify(settings)], { encoding: 'utf8' }),
  );
}

function directory() {
  const root = makeTempDir();
  return { root, local: { loopsDir: path.join(root, '.loops'), projectRoot: root } };
}

describe('openStore', () => {
  it('opens the directory store alone, without loading the database driver', () => {
    const { local } = directory();
    expect(openInProcess(local)).toEqual({ store: 'FileLockStore', pgLoaded: false });
  });

  it('adds the shared store when a URL is configured, loading the driver only then', () => {
    const { root, local } = directory();
    const shared = { url: pgUrl, urlSource: '--store', namespace: 'n', cwd: root };
    expect(openInProcess({ ...local, shared })).toEqual({
      store: 'LayeredLockStore',
      pgLoaded: true,
    });
  });

  it('refuses a bad URL (exit 2) naming the setting, masked, before loading anything', () => {
    const { root, local } = directory();
    const shared = {
      url: 'postgres://me:hunter2@db.example',
      urlSource: 'SCOPEGUARD_STORE',
      namespace: 'n',
      cwd: root,
    };
    expect(openInProcess({ ...local, shared })).toEqual({
      error:
        'SCOPEGUARD_STORE: "postgres://me:***@db.example" is not a usable store URL: it names no ' +
        'database. Write it as postgres://USER@HOST:PORT/DATABASE.',
      exitCode: ExitCode.usage,
      pgLoaded: false,
    });
  });

  it('derives the namespace from the origin remote, the same for every form of its URL', async () => {
    const namespaces = [];
    for (const remote of [
      'https://me:token@GitHub.com/Org/Repo.git',
      'git@github.com:Org/Repo.git',
      'ssh://git@github.com:22/Org/Repo/',
    ]) {
      const repo = makeTempRepo();
      git(repo, 'remote', 'add', 'origin', remote);
      const store = await openSharedStore({ url: pgUrl, urlSource: '--store', cwd: repo }, repo);
      namespaces.push(store.namespace);
      await store.close();
    }
    expect(namespaces).toEqual([
      'github.com/Org/Repo',
      'github.com/Org/Repo',
      'github.com/Org/Repo',
    ]);
  });

  it('prefers the namespace setting, and without one or a remote fails with exit 2 naming it', async () => {
    const repo = makeTempRepo();
    const named = await openSharedStore(
      { url: pgUrl, urlSource: '--store', cwd: repo, namespace: 'team/project' },
      repo,
    );
    expect(named.namespace).toBe('team/project');
    await named.close();
    const error = await rejection(
      openSharedStore({ url: pgUrl, urlSource: '--store', cwd: repo }, repo),
    );
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toContain('it has no "origin" remote');
    expect(error.message).toContain(
      '--namespace, SCOPEGUARD_NAMESPACE or "namespace" in the config',
    );
  });
});
