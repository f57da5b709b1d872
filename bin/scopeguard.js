#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ can cache compiled code between runs, which matters for a hook run on every commit;
// on older versions this is a no-op.
module.enableCompileCache?.();
const [{ main }, { GuardedOutput, settleOutput }] = await Promise.all([
  import('../dist/cli/main.js'),
  import('../dist/cli/guarded-output.js'),
]);

const stdout = new GuardedOutput(process.stdout, 'standard output');
const stderr = new GuardedOutput(process.stderr, 'standard error');
const exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout,
  stderr,
  execPath: process.execPath,
  parentPid: process.ppid,
  stdinIsTTY: Boolean(process.stdin.isTTY),
  stdin: process.stdin,
  async readStdin() {
    let text = '';
    for await (const chunk of process.stdin.setEncoding('utf8')) text += chunk;
    return text;
  },
  onSignal(signal, handler) {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
});
process.exitCode = await settleOutput(exitCode, stdout, stderr);
