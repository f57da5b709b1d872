#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json says so): the hook commands, run on every commit and before every
// agent edit, load one CommonJS bundle without node's ES module loader (src/cli/hook-entry.ts);
// so do `locks acquire` and `locks release`, which scripts run around every piece of work (the
// hook bundle hands any spelling it does not read plainly to the whole CLI). The other commands
// load the whole CLI, an ES module bundle, without compiling that one first. Either bundle runs
// any command, so this list only decides speed. Node 22.1+ can cache compiled
// code between runs, which matters for a hook; on older versions this is a no-op.
require('node:module').enableCompileCache?.();
const argv = process.argv.slice(2);
const fast = ['pre-commit', 'commit-msg', 'agent-hook', 'locks acquire', 'locks release'];
if (fast.includes(argv[0]) || fast.includes(`${argv[0]} ${argv[1]}`)) {
  require('../dist/hook.cjs').runCli(argv);
} else {
  import('../dist/cli.js').then(({ runCli }) => runCli(argv));
}
