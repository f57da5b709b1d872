// Contention worker driving the scopeguard CLI: one `locks acquire` and one `locks release`
// process per hold, held by this worker's pid, until STOP_FILE exists (or 60 s at most); takes no
// new lock while PAUSE_FILE exists.
// Usage: node cli-worker.mjs BIN LOOPS_DIR NAME LOG_FILE STOP_FILE PAUSE_FILE SCOPE...
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';

const [bin, loopsDir, name, logFile, stopFile, pauseFile, ...scopes] = process.argv.slice(2);
const now = () => process.hrtime.bigint();
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const cli = (...args) =>
  spawnSync(process.execPath, [bin, ...args, '--loops-dir', loopsDir], { encoding: 'utf8' });
const log = (entry) => appendFileSync(logFile, `${JSON.stringify(entry)}\n`);

const deadline = Date.now() + 60_000;
while (!existsSync(stopFile) && Date.now() < deadline) {
  if (existsSync(pauseFile)) {
    pause(20);
    continue;
  }
  const scope = scopes[Math.floor(Math.random() * scopes.length)];
  const acquired = cli(
    'locks',
    'acquire',
    '--name',
    name,
    '--scope',
    scope,
    '--pid',
    String(process.pid),
  );
  if (acquired.status === 0) {
    log({ who: name, scope, start: String(now()) });
    pause(50 + Math.random() * 100);
    log({ who: name, scope, end: String(now()) });
    const released = cli('locks', 'release', '--instance', acquired.stdout.trim());
    if (released.status !== 0) log({ who: name, error: `release failed: ${released.stderr}` });
  } else if (acquired.status !== 1) {
    log({ who: name, error: `acquire exited ${acquired.status}: ${acquired.stderr}` });
  }
  pause(2 + Math.random() * 18);
}
