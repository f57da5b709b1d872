import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import {
  commit,
  commitSubjects,
  filesOfHead,
  holdLock,
  runGit,
  stagedFiles,
  writeFiles,
} from '../support/commit-repo.js';
import {
  lefthookBin,
  managerEnv,
  preCommitFrameworkAvailable,
  projectRepo,
  runManager,
  simpleGitHooksBin,
} from '../support/hook-managers.js';
import { git } from '../support/temp-dir.js';

/** The Scope-Lock trailer values of a commit, as git itself parses them. */
function scopeLockTrailers(cwd: string): string[] {
  return git(cwd, 'log', '-1', '--format=%(trailers:key=Scope-Lock,valueonly)')
    .split('\n')
    .filter(Boolean);
}

/** A hook manager as a project sets it up, and what `scopeguard init` must turn its config into. */
interface Manager {
  name: string;
  available: boolean;
  configFile: string;
  original: string;
  registered: string;
  /** What init says to run so that git runs the manager's hooks. */
  initAdvice: string;
  /** The command doctor must name, for each hook, when git does not run the manager's hook. */
  installCommands: Record<GitHookName, string>;
  /** Install (or, for simple-git-hooks, refresh) the manager's hooks the way its users do. */
  install(root: string, env: NodeJS.ProcessEnv): void;
  /** Where the manager installs one hook at a time: install the pre-commit hook alone. */
  installPreCommitOnly?(root: string, env: NodeJS.ProcessEnv): void;
}

type GitHookName = 'pre-commit' | 'commit-msg';
const hookNames: GitHookName[] = ['pre-commit', 'commit-msg'];

const projectHook = `echo "project hook ran" >&2`;

const managers: Manager[] = [
  {
    name: 'the pre-commit framework',
    available: preCommitFrameworkAvailable,
    configFile: '.pre-commit-config.yaml',
    original: `# this project's hooks
repos:
- repo: local
  hooks:
  - id: project-check   # keeps running
    name: project check
    entry: sh -c '${projectHook}'
    language: system
    pass_filenames: false
    verbose: true
`,
    registered: `# this project's hooks
repos:
- repo: local
  hooks:
  - id: project-check   # keeps running
    name: project check
    entry: sh -c '${projectHook}'
    language: system
    pass_filenames: false
    verbose: true
- repo: local
  hooks:
    - id: scopeguard
      name: scopeguard pre-commit
      entry: scopeguard pre-commit
      language: system
      pass_filenames: false
      always_run: true
    - id: scopeguard-trailer
      name: scopeguard commit-msg
      entry: scopeguard commit-msg
      language: system
      pass_filenames: true
      always_run: true
      stages: [commit-msg]
`,
    initAdvice:
      'git does not run the pre-commit framework for pre-commit and commit-msg yet: run `pre-commit install --hook-type pre-commit --hook-type commit-msg`',
    installCommands: {
      'pre-commit': 'pre-commit install --hook-type pre-commit',
      'commit-msg': 'pre-commit install --hook-type commit-msg',
    },
    install: (root, env) =>
      runManager(root, env, 'pre-commit', [
        'install',
        '--hook-type',
        'pre-commit',
        '--hook-type',
        'commit-msg',
      ]),
    installPreCommitOnly: (root, env) => runManager(root, env, 'pre-commit', ['install']),
  },
  {
    name: 'lefthook',
    available: true,
    configFile: 'lefthook.yml',
    original: `# this project's hooks
pre-commit:
  parallel: true # both at once
  commands:
    project-check:
      run: ${projectHook}
`,
    registered: `# this project's hooks
pre-commit:
  parallel: true # both at once
  commands:
    project-check:
      run: ${projectHook}
    scopeguard:
      run: PATH=node_modules/.bin:$PATH scopeguard pre-commit
commit-msg:
  commands:
    scopeguard-trailer:
      run: PATH=node_modules/.bin:$PATH scopeguard commit-msg {1}
`,
    initAdvice: 'git does not run lefthook yet: run `npx lefthook install`',
    installCommands: { 'pre-commit': 'npx lefthook install', 'commit-msg': 'npx lefthook install' },
    install: (root, env) => runManager(root, env, process.execPath, [lefthookBin, 'install']),
  },
  {
    name: 'simple-git-hooks',
    available: true,
    configFile: 'package.json',
    original: `{
    "name": "project",
    "private": true,
    "files": ["src"],
    "simple-git-hooks": {
        "pre-commit": ${JSON.stringify(projectHook)}
    }
}
`,
    registered: `{
    "name": "project",
    "private": true,
    "files": ["src"],
    "simple-git-hooks": {
        "pre-commit": ${JSON.stringify(`PATH=node_modules/.bin:$PATH scopeguard pre-commit && ${projectHook}`)},
        "commit-msg": ${JSON.stringify('PATH=node_modules/.bin:$PATH scopeguard commit-msg "$1"')}
    }
}
`,
    initAdvice: 'run `npx simple-git-hooks` to install the hook',
    installCommands: { 'pre-commit': 'npx simple-git-hooks', 'commit-msg': 'npx simple-git-hooks' },
    install: (root, env) => runManager(root, env, process.execPath, [simpleGitHooksBin]),
  },
];

describe.each(managers)('$name', (manager) => {
  const project = () =>
    projectRepo({
      [manager.configFile]: manager.original,
      'src/a.ts': 'a\n',
      'docs/d.md': 'd\n',
    });
  const hookFile = (root: string, hook: GitHookName) => path.join(root, '.git', 'hooks', hook);
  const configOf = (root: string) => readFileSync(path.join(root, manager.configFile), 'utf8');

  /** A project whose manager runs scopeguard, with the registration committed. */
  async function guardedProject(env: NodeJS.ProcessEnv): Promise<string> {
    const root = project();
    expect((await runCli(['init'], { cwd: root })).code).toBe(0);
    manager.install(root, env);
    git(root, 'add', '-A');
    const registered = await commit(root, 'register scopeguard', [], env);
    expect(registered.code, registered.output).toBe(0);
    expect(registered.output).toContain('project hook ran');
    return root;
  }

  it.skipIf(!manager.available)(
    "init registers scopeguard once, keeping the rest of the config; doctor fails until git runs the manager's hook",
    async () => {
      const root = project();
      const env = managerEnv();
      const file = path.join(root, manager.configFile);
      const first = await runCli(['init'], { cwd: root });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`scopeguard: added scopeguard to ${file}`);
      expect(first.stdout).toContain(manager.initAdvice);
      expect(configOf(root)).toBe(manager.registered);
      const second = await runCli(['init'], { cwd: root });
      expect(second.stdout).toContain(`scopeguard: ${file} already runs scopeguard`);
      expect(configOf(root)).toBe(manager.registered);

      const notInstalled = await runCli(['doctor'], { cwd: root });
      expect(notInstalled.code).toBe(1);
      for (const hook of hookNames) {
        expect(notInstalled.stdout).toContain(
          `FAIL ${hook} hook: ${file} runs scopeguard, but git does not run ${manager.name}'s hook (${hookFile(root, hook)}): run \`${manager.installCommands[hook]}\``,
        );
      }

      if (manager.installPreCommitOnly) {
        manager.installPreCommitOnly(root, env);
        const half = await runCli(['doctor'], { cwd: root });
        expect(half.code).toBe(1);
        expect(half.stdout).toContain(`ok   pre-commit hook: ${manager.name} runs scopeguard`);
        expect(half.stdout).toContain(
          `FAIL commit-msg hook: ${file} runs scopeguard, but git does not run ${manager.name}'s hook (${hookFile(root, 'commit-msg')}): run \`${manager.installCommands['commit-msg']}\``,
        );
      }

      manager.install(root, env);
      const installed = await runCli(['doctor'], { cwd: root });
      expect(installed.code, installed.stdout).toBe(0);
      for (const hook of hookNames) {
        expect(installed.stdout).toContain(
          `ok   ${hook} hook: ${manager.name} runs scopeguard from ${file}, through ${hookFile(root, hook)}`,
        );
      }
    },
  );

  it.skipIf(!manager.available)(
    'blocks a commit into a held scope, lets one outside through, and checks what `git commit -a` and `git commit <path>` commit',
    async () => {
      const env = managerEnv();
      const root = await guardedProject(env);
      const holder = await holdLock(root, 'refactor', ['src']);

      writeFiles(root, { 'src/a.ts': 'into scope\n' });
      git(root, 'add', 'src/a.ts');
      const blocked = await commit(root, 'into scope', [], env);
      expect(blocked.code).not.toBe(0);
      expect(blocked.output).toContain(`loop "refactor" (pid ${holder}`);
      expect(blocked.output).toMatch(/scope src\n +src\/a\.ts\n/);
      expect(commitSubjects(root)).toEqual(['register scopeguard', 'baseline']);

      // `git commit <path>` commits the path alone, from an index of its own: the staged file
      // inside the scope stays out of it, so the commit goes through and the file stays staged.
      writeFiles(root, { 'docs/d.md': 'outside\n' });
      const byPath = await commit(root, 'docs by path', ['docs/d.md'], env);
      expect(byPath.code, byPath.output).toBe(0);
      expect(filesOfHead(root)).toEqual(['docs/d.md']);
      expect(stagedFiles(root)).toEqual(['src/a.ts']);

      // `git commit -a` takes the changed file inside the scope along, though it was not staged.
      git(root, 'reset', '-q');
      writeFiles(root, { 'docs/d.md': 'outside again\n' });
      git(root, 'add', 'docs/d.md');
      const all = await commit(root, 'everything', ['-a'], env);
      expect(all.code).not.toBe(0);
      expect(all.output).toMatch(/scope src\n +src\/a\.ts\n/);
      expect(commitSubjects(root)).toEqual(['docs by path', 'register scopeguard', 'baseline']);
      expect(readFileSync(path.join(root, 'src/a.ts'), 'utf8')).toBe('into scope\n');
      expect(stagedFiles(root)).toEqual(['docs/d.md']);

      const outside = await commit(root, 'outside', [], env);
      expect(outside.code, outside.output).toBe(0);
      expect(filesOfHead(root)).toEqual(['docs/d.md']);
    },
  );

  it.skipIf(!manager.available)(
    'adds exactly one Scope-Lock trailer to a commit under its own lock, and none without one',
    async () => {
      const env = managerEnv();
      const root = await guardedProject(env);
      expect(scopeLockTrailers(root)).toEqual([]);
      await holdLock(root, 'agent-1', ['src']);
      const record = JSON.parse(
        readFileSync(path.join(root, '.loops', '.running', 'agent-1.lock'), 'utf8'),
      ) as { host: string; started_at: string };

      writeFiles(root, { 'src/a.ts': 'by the agent\n' });
      git(root, 'add', 'src/a.ts');
      const named = await commit(root, 'by the agent', [], { ...env, SCOPEGUARD_AS: 'agent-1' });
      expect(named.code, named.output).toBe(0);
      expect(git(root, 'log', '-1', '--format=%B')).toBe(
        `by the agent\n\nScope-Lock: agent-1@${record.host}#${record.started_at}\n\n`,
      );
    },
  );

  it.skipIf(!manager.available)(
    'uninstall gives the config back byte for byte, after which commits are no longer guarded',
    async () => {
      const env = managerEnv();
      const root = await guardedProject(env);
      const removed = await runCli(['uninstall'], { cwd: root });
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toContain(
        `scopeguard: removed scopeguard from ${path.join(root, manager.configFile)}`,
      );
      expect(configOf(root)).toBe(manager.original);
      const again = await runCli(['uninstall'], { cwd: root });
      expect(again.stdout).toBe(
        'scopeguard: nothing to remove: no hook in this worktree runs scopeguard\n',
      );

      manager.install(root, env);
      await holdLock(root, 'refactor', ['src']);
      writeFiles(root, { 'src/a.ts': 'into scope\n' });
      git(root, 'add', '-A');
      const unguarded = await runGit(root, ['commit', '-m', 'unguarded'], env);
      expect(unguarded.code, unguarded.output).toBe(0);
      expect(unguarded.output).toContain('project hook ran');
      expect(unguarded.output).not.toContain('refactor');
    },
  );
});

describe('several hook managers in one project', () => {
  it('init and doctor use the one git runs, and say which ones they found', async () => {
    const root = projectRepo({
      'lefthook.yml': managers[1]!.original,
      'package.json': managers[2]!.original,
    });
    const env = managerEnv();
    runManager(root, env, process.execPath, [simpleGitHooksBin]);
    const hookFile = path.join(root, '.git', 'hooks', 'pre-commit');
    const found = `found lefthook (${path.join(root, 'lefthook.yml')}), simple-git-hooks (${path.join(root, 'package.json')})`;

    const init = await runCli(['init'], { cwd: root });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      `${found}; git runs simple-git-hooks's hook ${hookFile}, so scopeguard uses simple-git-hooks`,
    );
    expect(readFileSync(path.join(root, 'package.json'), 'utf8')).toBe(managers[2]!.registered);
    expect(readFileSync(path.join(root, 'lefthook.yml'), 'utf8')).toBe(managers[1]!.original);

    // Once lefthook's hook replaces it, git runs lefthook: doctor follows.
    runManager(root, env, process.execPath, [lefthookBin, 'install', '--force']);
    const doctor = await runCli(['doctor'], { cwd: root });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`ok   hook managers: ${found}; git runs lefthook's hook`);
    expect(doctor.stdout).toContain(
      `FAIL pre-commit hook: ${path.join(root, 'lefthook.yml')} does not run scopeguard: run \`scopeguard init\``,
    );
    // lefthook installs a hook file for each hook its configuration names, so the commit-msg
    // entry needs its installer again.
    writeFileSync(path.join(root, 'lefthook.yml'), managers[1]!.registered);
    const registered = await runCli(['doctor'], { cwd: root });
    expect(registered.code).toBe(1);
    expect(registered.stdout).toContain('ok   pre-commit hook: lefthook runs scopeguard');
    expect(registered.stdout).toContain(
      `FAIL commit-msg hook: ${path.join(root, 'lefthook.yml')} runs scopeguard, but git does not run lefthook's hook (${path.join(root, '.git', 'hooks', 'commit-msg')}): run \`npx lefthook install\``,
    );
    runManager(root, env, process.execPath, [lefthookBin, 'install', '--force']);
    expect((await runCli(['doctor'], { cwd: root })).code).toBe(0);
  });
});

describe("a hook manager's configuration scopeguard cannot edit", () => {
  it('invalid YAML: init refuses with the file named and leaves it alone, doctor fails the hook check', async () => {
    const broken = 'pre-commit:\n  commands: [\n';
    const root = projectRepo({ 'lefthook.yml': broken });
    const file = path.join(root, 'lefthook.yml');
    const init = await runCli(['init'], { cwd: root });
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(`${file} is not valid YAML (`);
    expect(init.stderr).toContain('fix it, then run the command again');
    expect(readFileSync(file, 'utf8')).toBe(broken);
    const doctor = await runCli(['doctor'], { cwd: root });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`FAIL pre-commit hook: ${file} is not valid YAML (`);
    expect(doctor.stdout).toContain('ok   lock directory');
  });

  it('a JavaScript configuration: init says what to add by hand, and writes nothing', async () => {
    const config = 'module.exports = { "pre-commit": "npx lint-staged" };\n';
    const root = projectRepo({ '.simple-git-hooks.cjs': config });
    const init = await runCli(['init'], { cwd: root });
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(
      `${path.join(root, '.simple-git-hooks.cjs')}: scopeguard edits simple-git-hooks' JSON configuration only; put \`PATH=node_modules/.bin:$PATH scopeguard pre-commit\` first in its \`pre-commit\` command and \`PATH=node_modules/.bin:$PATH scopeguard commit-msg "$1"\` first in its \`commit-msg\` command by hand, then run \`npx simple-git-hooks\``,
    );
    expect(readFileSync(path.join(root, '.simple-git-hooks.cjs'), 'utf8')).toBe(config);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});
