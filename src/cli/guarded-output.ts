import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { ExitCode } from '../errors.js';
import type { OutputStream } from './io.js';

/** The part of `process.stdout` and `process.stderr` this module uses. */
export interface ProcessOutput {
  write(text: string, callback: (error?: Error | null) => void): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  isTTY?: boolean;
}

/**
 * One of the process's output streams, wrapped so that a failed write (a reader that went away, a
 * full disk) never crashes the process: Node reports it as an `error` event, which kills a process
 * that does not listen. The first failure is kept and later writes are dropped. The stream is
 * opened on the first write: a silent run (the hook's usual one) never pays for setting it up.
 */
export class GuardedOutput implements OutputStream {
  /** The first write error, if any. */
  failure: Error | undefined;
  private stream: ProcessOutput | undefined;

  constructor(
    private readonly open: () => ProcessOutput,
    /** What to call the stream in a message: "standard output". */
    readonly name: string,
  ) {}

  get isTTY(): boolean {
    return this.opened().isTTY === true;
  }

  write(text: string): void {
    if (this.failure === undefined) this.opened().write(text, (error) => error && this.fail(error));
  }

  /** Resolves once everything written so far has reached the system, or failed to. */
  flushed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failure !== undefined || this.stream === undefined) resolve();
      else this.stream.write('', () => resolve());
    });
  }

  private opened(): ProcessOutput {
    if (this.stream === undefined) {
      this.stream = this.open();
      this.stream.on('error', (error) => this.fail(error));
    }
    return this.stream;
  }

  private fail(error: Error): void {
    this.failure ??= error;
  }
}

/**
 * The process's exit code once the command is done and its output flushed. A reader that went
 * away (EPIPE, as under `| head -1`) wanted no more: the command's own code stands. Any other
 * failure to write the report is an environment error (exit 3), said on stderr. Diagnostics that
 * cannot be written to stderr are dropped: there is nowhere left to say so.
 */
export async function settleOutput(
  exitCode: number,
  stdout: GuardedOutput,
  stderr: GuardedOutput,
): Promise<number> {
  await Promise.all([stdout.flushed(), stderr.flushed()]);
  const failure = stdout.failure;
  if (failure === undefined || errnoCode(failure) === 'EPIPE') return exitCode;
  const error = environmentErrorFrom(failure, 'write to', stdout.name);
  stderr.write(`scopeguard: ${error instanceof Error ? error.message : String(error)}\n`);
  await stderr.flushed();
  return ExitCode.environment;
}
