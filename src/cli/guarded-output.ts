import { writeSync } from 'node:fs';
import { environmentErrorFrom, errnoCode } from '../errno-error.js';
import { ExitCode } from '../errors.js';
import type { OutputStream } from './io.js';

/** The part of `process.stdout` and `process.stderr` this module uses. */
export interface ProcessOutput {
  write(text: string | Uint8Array, callback: (error?: Error | null) => void): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  isTTY?: boolean;
}

/**
 * One of the process's output streams, wrapped so that a failed write (a reader that went away, a
 * full disk) never crashes the process: Node reports it as an `error` event, which kills a process
 * that does not listen. The first failure is kept and later writes are dropped.
 *
 * Output goes straight to the descriptor with blocking writes, as Node's own stream does for
 * files, pipes and terminals on POSIX systems: creating that stream loads Node's stream and
 * network modules, about 20 M instructions, more than `locks acquire` or `locks release` do
 * otherwise. The stream is opened only when it is needed: for `isTTY`, on Windows, or when the
 * descriptor is non-blocking (EAGAIN), which the stream knows how to wait on; from then on every
 * write goes through it, so output stays in order.
 */
export class GuardedOutput implements OutputStream {
  /** The first write error, if any. */
  failure: Error | undefined;
  private stream: ProcessOutput | undefined;

  constructor(
    /** The descriptor the stream writes to: 1 or 2. */
    private readonly fd: number,
    private readonly open: () => ProcessOutput,
    /** What to call the stream in a message: "standard output". */
    readonly name: string,
  ) {}

  get isTTY(): boolean {
    return this.opened().isTTY === true;
  }

  write(text: string): void {
    if (this.failure !== undefined) return;
    const rest = this.stream === undefined ? this.writeDirectly(text) : text;
    if (rest !== undefined) this.opened().write(rest, (error) => error && this.fail(error));
  }

  /** Resolves once everything written so far has reached the system, or failed to. */
  flushed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failure !== undefined || this.stream === undefined) resolve();
      else this.stream.write('', () => resolve());
    });
  }

  /**
   * Write `text` to the descriptor; what is left for the stream to write, if the descriptor would
   * block (or this is Windows, whose console wants the stream), else undefined.
   */
  private writeDirectly(text: string): string | Uint8Array | undefined {
    if (process.platform === 'win32') return text;
    const bytes = Buffer.from(text);
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    } catch (error) {
      if (errnoCode(error) === 'EAGAIN') return bytes.subarray(written);
      this.fail(error as Error);
    }
    return undefined;
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
