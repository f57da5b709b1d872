// Loaded with `node --import` into every node process a test starts through git (the pre-commit
// hook) or through the CLI helper: it records the state of the index git points the process at
// (GIT_INDEX_FILE) when the process starts and when it exits, one JSON line per process, into the
// file named by SCOPEGUARD_TEST_INDEX_LOG. Tests then assert that no guard process changed it.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

const log = process.env.SCOPEGUARD_TEST_INDEX_LOG;
const index = process.env.GIT_INDEX_FILE;

if (log && index) {
  const file = path.resolve(index);
  const state = () => {
    try {
      const { mtimeNs, size } = statSync(file, { bigint: true });
      const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
      return `${digest} size ${size} mtime ${mtimeNs}`;
    } catch (error) {
      return `unreadable (${error.code})`;
    }
  };
  const before = state();
  process.on('exit', () => {
    const entry = { pid: process.pid, argv: process.argv.slice(1), file, before, after: state() };
    appendFileSync(log, `${JSON.stringify(entry)}\n`);
  });
}
