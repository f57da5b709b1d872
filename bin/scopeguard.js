#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json says so): the hook commands, run on every commit and before every
// agent edit, load one CommonJS bundle without node's ES module loader (src/cli/hook-entry.ts);
// the other commands load the whole CLI, an ES module bundle, without compiling that one first.
// Either bundle runs any command, so this list only decides speed. Node 22.1+ can cache compiled
// code between runs, which matters for a hook; on older versions this is a no-op.
require('node:module').enableCompileCache?.();
const argv = process.argv.slice(2);
if (['pre-commit', 'commit-msg', 'agent-hook'].includes(argv[0])) {
  require('../dist/hook.cjs').runCli(argv);
} else {
  import('../dist/cli.js').then(({ runCli }) => runCli(argv));
}
