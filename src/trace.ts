/**
 * The debug trace (`SCOPEGUARD_DEBUG=1`): every git command and store call, and what wakes the
 * relay, on standard error.
 * This module only holds the tracer; the CLI loads and installs one when the variable is set, so
 * a run without it pays one check per git command or store opened.
 */
export interface Tracer {
  /** Run one git command through `run`, writing what ran, its exit status and its time. */
  git<Result extends { exitCode: number }>(
    args: readonly string[],
    cwd: string,
    run: () => Promise<Result>,
  ): Promise<Result>;
  /** The store, with each method call written with its outcome and time. */
  store<Store extends object>(store: Store, name: string): Store;
  /** Something that happened, such as a file-system event the relay woke for. */
  note(text: string): void;
}

let installed: Tracer | undefined;

export function installTracer(tracer: Tracer): void {
  installed = tracer;
}

export function activeTracer(): Tracer | undefined {
  return installed;
}
