import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCiRepo, noCiEnv } from '../support/ci-repo.js';
import { runCli } from '../support/cli.js';
import { commit, commitSubjects, guardedRepo, writeFiles } from '../support/commit-repo.js';
import { startIdleProcess } from '../support/processes.js';
import { acquireNestedId, nestedId, runningDir } from '../support/lock-records.js';
import { git } from '../support/temp-dir.js';

const id = nestedId;

/** A record one folder down, as today's little-loops writes it for an id with `/`. */
function writeNestedRecord(root: string, scope: string, pid: number): void {
  const folder = path.join(runningDir(root), 'generated');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, 'inkscape-task-20261130T101500.lock'),
    JSON.stringify({
      loop_name: 'inkscape',
      scope: [path.join(root, scope)],
      pid,
      started_at: new Date().toISOString(),
      singleton: false,
    }),
  );
}

describe('a record little-loops wrote one folder down', () => {
  it('blocks a commit through the installed hook, and check, naming its id', async () => {
    const root = await guardedRepo({ 'src/a.ts': 'a\n' });
    const holder = startIdleProcess();
    writeNestedRecord(root, 'src', holder.pid);

    writeFiles(root, { 'src/a.ts': 'changed\n' });
    git(root, 'add', 'src/a.ts');
    const blocked = await commit(root, 'touch src');
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain(`loop "inkscape" (instance ${id}, pid ${holder.pid},`);
    expect(commitSubjects(root)).toEqual(['baseline']);

    const check = await runCli(['check', 'src/a.ts'], { cwd: root });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('inkscape');
  });

  it('fails the CI step on a change inside its scope', async () => {
    const repo = makeCiRepo();
    const holder = startIdleProcess();
    writeNestedRecord(repo.root, 'src', holder.pid);
    const result = await runCli(
      ['ci', '--base', 'main', '--head', repo.featureTip, '--format', 'json'],
      { cwd: repo.root, env: noCiEnv() },
    );
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.conflicts[0].lock).toMatchObject({ loop_name: 'inkscape', instance: id });
  });

  it('is listed, waited on and released by its id', async () => {
    const root = await guardedRepo();
    const holder = startIdleProcess();
    writeNestedRecord(root, 'src', holder.pid);

    const list = await runCli(['locks', 'list'], { cwd: root });
    expect(list.stdout).toMatch(new RegExp(`inkscape +${id} +${holder.pid} `));
    const wait = await runCli(['locks', 'wait', '--scope', 'src/a', '--timeout', '0'], {
      cwd: root,
    });
    expect(wait.code).toBe(1);
    expect(wait.stderr).toContain(id);
    const release = await runCli(['locks', 'release', '--instance', id, '--force'], {
      cwd: root,
    });
    expect(release).toMatchObject({ code: 0, stdout: `released ${id}\n` });
    expect(readdirSync(path.join(runningDir(root), 'generated'))).toEqual([]);
  });
});

describe('locks acquire --instance with "/"', () => {
  it('writes the record flat, prints the id, and releases it by the id', async () => {
    const root = await guardedRepo();
    const holder = startIdleProcess();
    const acquired = await acquireNestedId(root, holder.pid);
    expect(acquired, acquired.stderr).toMatchObject({ code: 0, stdout: `${id}\n` });
    expect(readdirSync(runningDir(root)).sort()).toEqual([
      '.acquire.lock',
      'generated%2Finkscape-task-20261130T101500.lock',
    ]);
    const release = await runCli(['locks', 'release', '--instance', id, '--force'], {
      cwd: root,
    });
    expect(release).toMatchObject({ code: 0, stdout: `released ${id}\n` });
  });

  it('refuses an id nested deeper than one "/" with exit 2', async () => {
    const root = await guardedRepo();
    const refused = await runCli(
      ['locks', 'acquire', '--name', 'x', '--instance', 'a/b/c', '--scope', 'src', '--pid', '1'],
      { cwd: root },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('invalid instance id "a/b/c": it has more than 1 "/"');
  });
});
