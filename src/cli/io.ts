import type { PayloadStream } from '../agent/read-hook-payload.js';
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
  /** Standard input as a stream, for a reader that must bound what it reads (the agent hook). */
  stdin: PayloadStream;
  /** Subscribe to a signal sent to this process; returns the unsubscribe function. */
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
}
