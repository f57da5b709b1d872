/**
 * What code below the command line takes from the process: the working directory, the
 * environment, and where warnings go. The CLI's `Io` is one.
 */
export interface RunContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stderr: { write(text: string): void };
}
