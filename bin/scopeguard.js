#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json says so), like the bundle it loads: the hook commands then run
// without node's ES module loader. Node 22.1+ can cache compiled code between runs, which matters
// for a hook run on every commit; on older versions this is a no-op.
require('node:module').enableCompileCache?.();
require('../dist/hook.cjs').runCli(process.argv.slice(2));
