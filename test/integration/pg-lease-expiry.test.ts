import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { LockManager } from '../../src/lock/lock-manager.js';
import { repoRoot } from '../support/cli.js';
import { openPgStore, pgAvailable, pgUrl, testSchema, uniqueName } from '../support/postgres.js';
import { eventually, startIdleProcess, track } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const holderScript = path.join(repoRoot, 'test', 'integration', 'workers', 'pg-lease-holder.mjs');
const schema = testSchema();

/** Resolve with the first line of the child's output that starts with `prefix`. */
function lineStarting(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith(prefix)) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`holder exited (${code}) before "${prefix}"`)));
  });
}

describe.skipIf(!pgAvailable)('a holder stopped past its lease', () => {
  it('loses the lease to another acquirer, and its renewal fails once it runs again', async () => {
    const root = makeTempDir();
    const namespace = uniqueName('stopped');
    const ttlMs = 1000;
    const holder = track(
      spawn(
        process.execPath,
        [holderScript, pgUrl, schema, namespace, root, String(ttlMs), 'src'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    const held = await lineStarting(holder, 'held ');
    await lineStarting(holder, 'renewed');
    holder.kill('SIGSTOP');

    // Same host, live pid: only the lease's expiry on the server's clock can free the scope.
    const store = openPgStore({ namespace, projectRoot: root, schema });
    const manager = new LockManager({ projectRoot: root, store });
    const other = startIdleProcess();
    const taken = await eventually(async () => {
      const attempt = await manager.acquire('next', ['src/app'], { pid: other.pid });
      return attempt.acquired ? attempt : undefined;
    });
    expect(taken.reaped.map((lock) => [lock.record.loop_name, lock.record.pid])).toEqual([
      ['holder', holder.pid],
    ]);
    expect(BigInt(taken.lock.lease!.token)).toBeGreaterThan(BigInt(held.split(' ')[1]!));

    const lost = lineStarting(holder, 'lost ');
    holder.kill('SIGCONT');
    expect(await lost).toBe(
      'lost the lease is gone from the shared store (released, or reaped after it expired)',
    );
  });
});
