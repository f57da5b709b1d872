#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ can cache compiled code between runs, which matters for a hook run on every commit;
// on older versions this is a no-op.
module.enableCompileCache?.();
// The CLI is one bundled file (see the build script): one module to load instead of dozens.
const { runCli } = await import('../dist/cli.js');
await runCli(process.argv.slice(2));
