import { readFileSync } from 'node:fs';
import {
  hookPayloadLimits,
  readHookPayload,
  type PayloadRead,
} from '../agent/read-hook-payload.js';
import { errnoCode } from '../errno-error.js';
import { GuardedOutput, settleOutput } from './guarded-output.js';
import type { Io } from './io.js';

/**
 * Run a command against the real process and set the exit code. `payload` is the agent hook's
 * payload when the hooks' first stage has read standard input already.
 */
export async function runInProcess(
  command: (io: Io) => Promise<number>,
  payload?: PayloadRead,
): Promise<void> {
  const { io, finish } = processIo(payload);
  await finish(await command(io));
}

/**
 * The real process as an `Io`, and `finish`, which sets the exit code once the output is
 * flushed. Standard streams are opened only when a command uses them: creating one costs the
 * hook more than most of its work.
 */
export function processIo(payload?: PayloadRead): {
  io: Io;
  finish: (exitCode: number) => Promise<void>;
} {
  const stdout = new GuardedOutput(1, () => process.stdout, 'standard output');
  const stderr = new GuardedOutput(2, () => process.stderr, 'standard error');
  const io: Io = {
    cwd: process.cwd(),
    env: process.env,
    stdout,
    stderr,
    execPath: process.execPath,
    parentPid: process.ppid,
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    hookPayload() {
      if (payload !== undefined) return Promise.resolve(payload);
      return readHookPayload(process.stdin, process.stdin.isTTY === true, hookPayloadLimits);
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
  };
  return {
    io,
    finish: async (exitCode) => {
      process.exitCode = await settleOutput(exitCode, stdout, stderr);
    },
  };
}
