import { readFileSync } from 'node:fs';
import { errnoCode } from '../errno-error.js';
import { GuardedOutput, settleOutput } from './guarded-output.js';
import type { Io } from './io.js';

/**
 * Run a command against the real process and set the exit code. Standard streams are opened only
 * when a command uses them: creating one costs the hook more than most of its work.
 */
export async function runInProcess(command: (io: Io) => Promise<number>): Promise<void> {
  const stdout = new GuardedOutput(1, () => process.stdout, 'standard output');
  const stderr = new GuardedOutput(2, () => process.stderr, 'standard error');
  const exitCode = await command({
    cwd: process.cwd(),
    env: process.env,
    stdout,
    stderr,
    execPath: process.execPath,
    parentPid: process.ppid,
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    get stdin() {
      return process.stdin;
    },
    async readStdin() {
      // A blocking read of a pipe or file avoids setting up the stdin stream; a non-blocking
      // descriptor (EAGAIN) needs the stream.
      try {
        return readFileSync(0, 'utf8');
      } catch (error) {
        if (errnoCode(error) !== 'EAGAIN') throw error;
      }
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
}
