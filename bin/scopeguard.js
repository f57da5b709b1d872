#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json says so): the hook commands, run on every commit and before every
// agent edit, load one CommonJS bundle, dist/hook.cjs, without node's ES module loader (see
// src/cli/hook-entry.ts); `locks acquire` and `locks release`, which scripts run around every
// piece of work, load a smaller one of their own, dist/lock.cjs (src/cli/lock-entry.ts), which
// hands any spelling it does not read plainly back to the whole CLI. Every other command loads
// the whole CLI, the ES module bundle dist/cli.js, without compiling a small bundle first. A
// command missing from these lists runs from the whole CLI, so they only decide speed. Before
// the hook bundle, every hook command runs a much smaller first stage, which ends the command
// when no lock is in sight: the commit hooks dist/commit-first-stage.cjs
// (src/cli/commit-first-stage.ts), the agent hook dist/agent-hook-first-stage.cjs
// (src/cli/agent-hook-first-stage.ts).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

// The hook commands, each of which runs the first stage before the hook bundle (see firstStage).
const hookCommands = ['pre-commit', 'commit-msg', 'agent-hook'];
const lockCommands = ['locks acquire', 'locks release'];

const dist = `${path.dirname(__dirname)}${path.sep}dist`;
// Joined by hand: path.join would normalise each name, about 0.25 M instructions on every hook run.
const inDist = (name) => `${dist}${path.sep}${name}`;
// Each bundle and the V8 code cache the build writes for it (see loadBundle).
const hookBundle = { file: inDist('hook.cjs'), cache: inDist('hook.cache') };
// The V8 flags the installed pre-commit and commit-msg scripts give node where the lock directory
// holds a few hundred records or more (hooks/). Eight times V8's tier-up budget: node's own
// argument checks, which every file open and read passes through, share one budget, and a scan of
// about 400 records spends the default one; V8 then starts its optimising compiler, whose first
// compile alone adds about 4 MiB to the process. With this budget a scan of thousands stays in the
// interpreter, while a commit of 100,000 paths is still hot enough to be optimised. A young
// generation kept at its first size: the locks a scan keeps would otherwise make V8 double it. No
// baseline compiler: what it compiles for a scan's few hot functions costs about 0.9 MiB, and about
// 2% of the hook's time. And on V8 11 (Node 20), the young generation collected in place
// (mark-compact) instead of copied between two halves: the first collection no longer makes V8
// touch its second 1 MiB half (0.7 MiB less, the same time). V8 12 renamed that flag, so it is
// given only to the V8 it was tested on; the flags are those of the node that installs the hook,
// which is the node the hook runs while it is there.
const scanFlags = [
  '--interrupt-budget=540672',
  '--max-semi-space-size=1',
  '--no-sparkplug',
  ...(process.versions.v8.startsWith('11.') ? ['--minor-mc'] : []),
];
// The hook bundle under those flags: V8 takes a cache only under the flags it was made with.
const hookScanBundle = { file: hookBundle.file, cache: inDist('hook-scan.cache') };
// The first stages: the commit hooks' apart from the agent hook's (agentFirstStageBundle), which
// reads every agent's payload, so that a commit loads only what it runs.
const commitFirstStageBundle = {
  file: inDist('commit-first-stage.cjs'),
  cache: inDist('commit-first-stage.cache'),
};
const agentFirstStageBundle = {
  file: inDist('agent-hook-first-stage.cjs'),
  cache: inDist('agent-hook-first-stage.cache'),
};
const lockBundle = { file: inDist('lock.cjs'), cache: inDist('lock.cache') };

// The source is compiled as node compiles a CommonJS module: one function of these parameters.
const wrapperHead = '(function (exports, require, module, __filename, __dirname) {';
const wrapperTail = '\n})';

/**
 * Load a bundle (dist/hook.cjs, a first stage, dist/lock.cjs) as node's `require` would,
 * but compiled with the V8 code cache the build wrote beside it: compiling the hook bundle was
 * about half of the hook's own work. The cache belongs to one bundle: its first line names the
 * build id the bundle ends with, so a bundle rebuilt without it never meets an old cache. A cache
 * V8 rejects (another node version, other V8 flags, a cut-short or foreign file) costs a normal
 * compile and nothing else; V8 checks a cache's header, not every byte of its payload, so the
 * build renames a whole one into place. `vm.Script` rather than `vm.compileFunction`, because
 * only a script can write its cache after a run, when the functions the run compiled are in it
 * (the build does that, scripts/hook-code-cache.js). The bundle's `require`, its `resolve` and
 * `resolve.paths` resolve from dist/, as if node had loaded it; `module.constructor` is node's
 * Module class, taken from this module so that the `node:module` builtin and the ES module loader
 * it drags in stay unloaded.
 */
function loadBundle({ file, cache }) {
  // As UTF-8, the read node's own module loader makes, in C++ (latin1 takes a slower JS path).
  const source = fs.readFileSync(file, 'utf8');
  const script = new vm.Script(wrapperHead + source + wrapperTail, {
    filename: file,
    cachedData: matchingCache(source, cache),
  });
  const Module = module.constructor;
  const bundle = new Module(file, module);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(dist);
  const bundleRequire = (id) => bundle.require(id);
  bundleRequire.resolve = (request) => Module._resolveFilename(request, bundle);
  bundleRequire.resolve.paths = (request) => Module._resolveLookupPaths(request, bundle);
  script.runInThisContext()(bundle.exports, bundleRequire, bundle, file, dist);
  bundle.loaded = true;
  return { exports: bundle.exports, script };
}

/** The hook bundle with the code cache made under this process's V8 flags. */
function ownHookBundle() {
  const flags = process.execArgv;
  const scan = flags.length === scanFlags.length && flags.every((flag, i) => flag === scanFlags[i]);
  return scan ? hookScanBundle : hookBundle;
}

const loadHookBundle = () => loadBundle(ownHookBundle());
const loadCommitFirstStage = () => loadBundle(commitFirstStageBundle);
const loadAgentFirstStage = () => loadBundle(agentFirstStageBundle);
const loadLockBundle = () => loadBundle(lockBundle);

/**
 * The code cache's V8 data if it was written for this bundle's source, else undefined. The cache
 * is text, its build id's line and then the data in base64: read as UTF-8 it takes the path the
 * bundle's own read has just compiled, where reading bytes and finding the line in them compiled
 * node's slower paths: about 1 M instructions, a tenth of what a commit without a lock costs beyond
 * starting node.
 */
function matchingCache(source, cacheFile) {
  let text;
  try {
    text = fs.readFileSync(cacheFile, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  return newline > 0 && source.endsWith(text.slice(0, newline + 1))
    ? Buffer.from(text.slice(newline + 1), 'base64')
    : undefined;
}

/**
 * Run the hook command's first stage (src/cli/commit-first-stage.ts, or for the agent hook
 * src/cli/agent-hook-first-stage.ts): `done` when it ended the command, and then no other bundle
 * is loaded; else what the hook bundle needs, the agent hook's payload if the first stage read it.
 * A first stage that cannot be loaded or fails is no answer, and the command runs in full.
 */
async function firstStage(argv) {
  // A lock directory in the hook's folder, as the installed pre-commit script tests it: the first
  // stage would only hand over (a speed shortcut for commit-msg and the agent hook, whose agents
  // run it in the folder they work in; the answer is the same).
  if (fs.existsSync('.loops/.running')) return { done: false };
  try {
    if (argv[0] === 'agent-hook')
      return await loadAgentFirstStage().exports.agentHookFirstStage(argv);
    const stage = loadCommitFirstStage().exports;
    return { done: await stage.nothingToRun(argv, process.cwd(), process.env) };
  } catch {
    // Before the agent hook's first stage has read stdin: once it has, it never fails.
    return { done: false };
  }
}

function main(argv) {
  if (lockCommands.includes(`${argv[0]} ${argv[1]}`)) {
    if (!loadLockBundle().exports.runLockCommand(argv)) runCli(argv);
  } else if (hookCommands.includes(argv[0])) {
    firstStage(argv).then(({ done, payload }) => {
      if (!done && !loadHookBundle().exports.runHookCommand(argv, payload)) runCli(argv);
    });
  } else runCli(argv);
}

function runCli(argv) {
  // Node 22.1+ can cache compiled code between runs; on older versions this is a no-op.
  require('node:module').enableCompileCache?.();
  import('../dist/cli.js').then(({ runCli }) => runCli(argv));
}

if (require.main === module) main(process.argv.slice(2));

module.exports = {
  loadHookBundle,
  loadCommitFirstStage,
  loadAgentFirstStage,
  loadLockBundle,
  ownHookBundle,
  hookBundle,
  hookScanBundle,
  commitFirstStageBundle,
  agentFirstStageBundle,
  lockBundle,
  scanFlags,
};
