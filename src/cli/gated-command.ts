import { builtin } from '../builtin.js';
import { constants } from 'node:os';
import { EnvironmentError } from '../errors.js';
import { shellQuote } from '../shell-quote.js';
import type { Io } from './io.js';

/**
 * A command whose process exists, held at a gate, before it runs. The lock `run` takes names this
 * process as its holder; the process then replaces itself with the command (`exec` keeps the pid),
 * so the lock lives exactly as long as the command, even if the wrapper is killed by SIGKILL or a
 * signal it does not forward. Readers, the Python original among them, judge a lock by its pid.
 */
export interface GatedCommand {
  /** The holder pid: the gate's now, the command's once it runs. */
  readonly pid: number;
  /** Run the command with these variables added; resolves with its exit code. */
  run(env: Record<string, string>): Promise<number>;
  /** Let the gate exit without running anything (the lock was not taken). */
  cancel(): void;
  /** Send the command a signal. */
  kill(signal: NodeJS.Signals): void;
}

// The gate reads shell assignments from fd 3 until we close it, and runs the command only after
// the final `scopeguard_go=1`. If the wrapper dies first, fd 3 reaches its end with no go and the
// gate exits: a command never runs without its lock, and a lock never outlives its command.
const gateScript = `scopeguard_setup=
while IFS= read -r scopeguard_line <&3; do scopeguard_setup="$scopeguard_setup$scopeguard_line
"; done
eval "$scopeguard_setup"
[ "$scopeguard_go" = 1 ] || exit 125
unset scopeguard_setup scopeguard_line scopeguard_go
exec "$@" 3<&-`;

const forwardedSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Start `command` held at its gate, with inherited stdio; `/bin/sh` is the gate, so every word of
 * the command reaches it unchanged.
 */
export function startGatedCommand(command: readonly string[], io: Io): GatedCommand {
  const child = builtin('node:child_process').spawn(
    '/bin/sh',
    ['-c', gateScript, 'scopeguard run', ...command],
    {
      cwd: io.cwd,
      env: io.env,
      stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    },
  );
  if (child.pid === undefined) {
    child.on('error', () => undefined);
    throw new EnvironmentError(
      `cannot run ${command[0]}: /bin/sh, which starts it, could not be started`,
      'no-sh',
    );
  }
  const gate = child.stdio[3] as NodeJS.WritableStream;
  // The gate may be gone when we write to it, and a signal may find the command gone: its exit
  // status tells what happened.
  gate.on('error', () => undefined);
  child.on('error', () => undefined);
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
  return {
    pid: child.pid,
    async run(env) {
      // A terminal's Ctrl-C already reaches the whole foreground process group, child included;
      // forwarding it again would interrupt the child's own clean-up. Off a terminal, forward it.
      const unsubscribe = forwardedSignals.map((signal) =>
        signal === 'SIGINT' && io.stdinIsTTY
          ? io.onSignal(signal, () => undefined)
          : io.onSignal(signal, () => child.kill(signal)),
      );
      const setup = Object.entries(env).map(
        ([name, value]) => `export ${name}=${shellQuote(value)}\n`,
      );
      gate.end(`${setup.join('')}scopeguard_go=1\n`);
      try {
        return await exited;
      } finally {
        unsubscribe.forEach((off) => off());
      }
    },
    cancel() {
      gate.end();
    },
    kill(signal) {
      child.kill(signal);
    },
  };
}
