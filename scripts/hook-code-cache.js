// Writes dist/hook.cache, dist/commit-first-stage.cache, dist/agent-hook-first-stage.cache and
// dist/lock.cache, the V8 code caches of the hook bundle, of the commit hooks' and the agent hook's
// first stages and of the lock commands' bundle (see bin/scopeguard.js), and dist/hook-scan.cache,
// the hook bundle's under the flags the installed pre-commit script gives node where many records
// are, for the build: `node scripts/hook-code-cache.js HOOK_BUILD_ID COMMIT_FIRST_STAGE_BUILD_ID
// AGENT_FIRST_STAGE_BUILD_ID LOCK_BUILD_ID`. V8 puts in a cache the functions compiled before it is
// written, so the commands a bundle runs are run here first, as git, agents and scripts run them,
// in a scratch repository without a lock directory and then with another process's lock, which also
// refuses one agent edit (the refusal written for the model is code no allowed edit runs): each run
// is one process that loads the bundle with the cache so far and writes it back with what it
// compiled. The first stages run where they end the hooks, with no lock directory. Plain `node`
// runs them (no NODE_OPTIONS): V8 accepts a cache only under the flags it was made with.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const bin = require.resolve('../bin/scopeguard.js');
const self = fileURLToPath(import.meta.url);
const {
  loadHookBundle,
  loadCommitFirstStage,
  loadAgentFirstStage,
  loadLockBundle,
  ownHookBundle,
  commitFirstStageBundle,
  agentFirstStageBundle,
  lockBundle,
  scanFlags,
} = require(bin);

// The bundles whose commands run here, each with its loader, the cache of this process's V8 flags
// (see scanFlags in bin/scopeguard.js) and the function that runs one.
const bundles = {
  hook: { load: loadHookBundle, cache: () => ownHookBundle().cache, run: 'runHookCommand' },
  lock: { load: loadLockBundle, cache: () => lockBundle.cache, run: 'runLockCommand' },
};

if (process.argv[2] === '--run') {
  await runOnce(bundles[process.argv[3]], process.argv[4], process.argv.slice(5));
} else if (process.argv[2] === '--first-stage') {
  await runFirstStages(process.argv[3], process.argv[4], process.argv[5]);
} else {
  await writeCache(...process.argv.slice(2, 6));
}

/** One command of `bundle` in this process, then its cache with everything compiled so far. */
async function runOnce(bundle, buildId, argv) {
  const { exports, script } = bundle.load();
  const run = exports[bundle.run](argv);
  if (!run) throw new Error(`${argv.join(' ')} is not a command of ${bundle.run}`);
  await run;
  if (process.exitCode) throw new Error(`${argv.join(' ')} exited ${process.exitCode}`);
  writeCodeCache(bundle.cache(), buildId, script);
}

/**
 * The first stages on the words the installed hooks pass (`pre-commit`, `commit-msg FILE`, and
 * `agent-hook` with an edit's payload on stdin), in a repository without a lock directory, where
 * they end them; then their caches.
 */
async function runFirstStages(commitBuildId, agentBuildId, messageFile) {
  const commit = loadCommitFirstStage();
  for (const argv of [['pre-commit'], ['commit-msg', messageFile]]) {
    if (!(await commit.exports.nothingToRun(argv, process.cwd(), process.env)))
      throw new Error(`the first stage did not end ${argv.join(' ')} without a lock directory`);
  }
  writeCodeCache(commitFirstStageBundle.cache, commitBuildId, commit.script);
  const agent = loadAgentFirstStage();
  if (!(await agent.exports.agentHookFirstStage(['agent-hook'])).done)
    throw new Error('the first stage did not end agent-hook without a lock directory');
  writeCodeCache(agentFirstStageBundle.cache, agentBuildId, agent.script);
}

// Its build id's line, then the data in base64 (see matchingCache in bin/scopeguard.js). Renamed
// into place: V8 checks a cache's header, not its payload, so a half-written one must never be
// read.
function writeCodeCache(file, buildId, script) {
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${buildId}\n${script.createCachedData().toString('base64')}`);
  renameSync(partial, file);
}

async function writeCache(buildId, commitFirstStageBuildId, agentFirstStageBuildId, lockBuildId) {
  const buildIds = [buildId, commitFirstStageBuildId, agentFirstStageBuildId, lockBuildId];
  if (!buildIds.every((id) => /^[0-9a-f]+$/.test(id ?? '')))
    throw new Error(
      'usage: hook-code-cache.js HOOK_BUILD_ID COMMIT_FIRST_STAGE_BUILD_ID AGENT_FIRST_STAGE_BUILD_ID LOCK_BUILD_ID',
    );
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'scopeguard-hook-cache-')));
  // A live process that is no ancestor of the hook's, to hold the lock of "another loop".
  const holder = spawn('sleep', ['600'], { stdio: 'ignore' });
  try {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !/^(GIT_|SCOPEGUARD_|NODE_OPTIONS$)/.test(name),
      ),
    );
    Object.assign(env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });
    const repo = path.join(tmp, 'repo');
    const run = (command, args, input = '') => {
      const result = spawnSync(command, args, { cwd: repo, env, input, encoding: 'utf8' });
      if (result.status !== 0)
        throw new Error(`${command} ${args.join(' ')}: ${result.error ?? result.stderr}`);
    };
    const git = (...args) => run('git', args);
    mkdirSync(repo);
    git('init', '-q', '-b', 'main');
    writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    git('add', 'a.txt');
    git('-c', 'user.name=build', '-c', 'user.email=build@example.invalid', 'commit', '-qm', 'a');
    writeFileSync(path.join(repo, 'a.txt'), 'b\n');
    git('add', 'a.txt');
    const message = path.join(tmp, 'COMMIT_EDITMSG');
    writeFileSync(message, 'a change\n');
    const edit = (file) =>
      JSON.stringify({
        cwd: repo,
        hook_event_name: 'PreToolUse',
        tool_name: 'Edit',
        tool_input: { file_path: path.join(repo, file), old_string: 'b', new_string: 'c' },
      });
    const payload = edit('a.txt');
    const hook = (input, ...argv) =>
      run(process.execPath, [self, '--run', 'hook', buildId, ...argv], input);
    // The installed pre-commit and commit-msg scripts give node the scan flags where many records
    // are.
    const scanHook = (input, ...argv) =>
      run(process.execPath, [...scanFlags, self, '--run', 'hook', buildId, ...argv], input);
    const locks = (...argv) => run(process.execPath, [self, '--run', 'lock', lockBuildId, ...argv]);
    run(
      process.execPath,
      [self, '--first-stage', commitFirstStageBuildId, agentFirstStageBuildId, message],
      payload,
    );
    const hooks = () => {
      hook('a.txt\0git-exit:0\n', 'pre-commit', '--staged-from-stdin');
      hook('', 'commit-msg', message);
      hook(payload, 'agent-hook');
    };
    hooks();
    // `locks acquire` and `locks release` as scripts spell them: the first lock where there is no
    // lock directory, a second beside another process's lock, and both released.
    const pid = String(holder.pid);
    locks('locks', 'acquire', '--name', 'other', '--scope', 'locked', '--pid', pid);
    hooks();
    // An edit the other process's lock refuses: the refusal is written for the model.
    hook(edit('locked/b.txt'), 'agent-hook');
    scanHook('a.txt\0git-exit:0\n', 'pre-commit', '--staged-from-stdin');
    scanHook('', 'commit-msg', message);
    locks('locks', 'acquire', '--name', 'mine', '--scope', 'free', '--pid', pid);
    locks('locks', 'release', '--name', 'mine', '--force');
    locks('locks', 'release', '--name', 'other', '--force');
  } finally {
    holder.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}
