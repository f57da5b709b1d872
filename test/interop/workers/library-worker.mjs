// Contention worker driving scopeguard's lock core (the built library, as the CLI uses it).
// In each round, at the same wall-clock tick as every other worker, it tries to take one random
// scope, holds it for HOLD_MS and releases it; it sits a round out while CONTROL_DIR/pause
// exists, and stops after ROUNDS rounds or once CONTROL_DIR/stop exists. Logs one JSON line per
// event (see test/support/hold-intervals.ts); times are CLOCK_MONOTONIC nanoseconds, taken after
// the lock is held and before it is released, so a logged hold never claims more than the real
// one.
// Usage: node library-worker.mjs LIBRARY LOOPS_DIR NAME LOG_FILE CONTROL_DIR EPOCH_MS PERIOD_MS
//        ROUNDS HOLD_MS SCOPE...
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [library, loopsDir, name, logFile, control, epoch, period, rounds, holdMs, ...scopes] =
  process.argv.slice(2);
const log = (entry) => appendFileSync(logFile, `${JSON.stringify({ who: name, ...entry })}\n`);
const now = () => String(process.hrtime.bigint());

/** Wait for a wall-clock instant: sleep most of the way, then spin so every worker starts together. */
async function until(instant) {
  if (instant - Date.now() > 5) await sleep(instant - Date.now() - 3);
  while (Date.now() < instant);
}

try {
  const { LockManager } = await import(pathToFileURL(library).href);
  const manager = new LockManager({ loopsDir, projectRoot: process.cwd() });
  for (let round = 0; round < Number(rounds); round++) {
    await until(Number(epoch) + round * Number(period));
    if (existsSync(path.join(control, 'stop'))) break;
    if (existsSync(path.join(control, 'pause'))) continue;
    const scope = scopes[Math.floor(Math.random() * scopes.length)];
    const result = await manager.acquire(name, [scope]);
    if (!result.acquired) {
      log({ scope, refused: true });
      continue;
    }
    log({ scope, start: now() });
    await sleep(Number(holdMs));
    log({ scope, end: now() });
    const released = await manager.release(result.lock.instance);
    if (released.status !== 'released') log({ error: `release: ${JSON.stringify(released)}` });
  }
} catch (error) {
  log({ error: String(error?.stack ?? error) });
  process.exitCode = 1;
}
