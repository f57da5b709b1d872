import type { PayloadRead } from '../agent/read-hook-payload.js';
import type { RunContext } from '../run-context.js';

/** A place to write text, with whether it is a terminal (for progress lines and colour). */
export interface OutputStream {
  write(text: string): void;
  isTTY?: boolean;
}

/**
 * Everything a command may take from the process. Only `runCli` builds one from the real process;
 * tests build their own.
 */
export interface Io extends RunContext {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The node binary running us (written into installed hooks). */
  execPath: string;
  /** The process that started us: `locks acquire`'s holder when it is an interactive shell. */
  parentPid: number;
  /** Whether standard input is a terminal (an interactive session). */
  stdinIsTTY: boolean;
  /** Read all of standard input (for `--stdin`). */
  readStdin(): Promise<string>;
  /**
   * The agent hook's payload: standard input read with the hook's bounds (readHookPayload), or
   * what the hooks' first stage already read from it. Read at most once.
   */
  hookPayload(): Promise<PayloadRead>;
  /** Subscribe to a signal sent to this process; returns the unsubscribe function. */
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
}
