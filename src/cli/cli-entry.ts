import { main } from './main.js';
import { runInProcess } from './process-io.js';

/**
 * Run the whole CLI in this process for `argv` (without the node and script names) and set the
 * exit code. The entry of the ES module bundle dist/cli.js.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  await runInProcess((io) => main(argv, io));
}
