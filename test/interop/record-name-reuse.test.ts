import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { LockManager } from '../../src/lock/lock-manager.js';
import { killHard, startIdleProcess, track } from '../support/processes.js';
import { pythonAcquires, pythonAvailable, pythonVersions } from '../support/python-peer.js';
import { makeTempDir } from '../support/temp-dir.js';

const slowReader = path.join(import.meta.dirname, 'workers', 'slow_reader.py');

// The Python original unlinks a record it judged stale without holding the sentinel. Its window
// between the read and the unlink is widened here on purpose: its liveness check of the dead
// holder waits for us. Meanwhile we reap that record and take the scope again.
describe.skipIf(!pythonAvailable).each(pythonVersions)(
  'a stale record unlinked late by the Python original ($label)',
  ({ path: modulePath }) => {
    it('never takes the new record with it, so no third loop gets the scope', async () => {
      const root = makeTempDir();
      const loopsDir = path.join(root, '.loops');
      const manager = new LockManager({ loopsDir, projectRoot: root });
      const dead = startIdleProcess();
      expect((await manager.acquire('job', ['src'], { pid: dead.pid })).acquired).toBe(true);
      await killHard(dead);

      const reader = track(
        spawn('python3', [slowReader, loopsDir, String(dead.pid), path.join(root, 'docs')], {
          cwd: root,
          env: { ...process.env, PYTHONPATH: modulePath },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      );
      const lines = createInterface({ input: reader.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('judging');

      const holder = startIdleProcess();
      const again = await manager.acquire('job', ['src'], { pid: holder.pid });
      if (!again.acquired) throw new Error('not acquired');
      expect(again.reaped).toHaveLength(1);

      reader.stdin.end('go\n');
      expect((await lines.next()).value).toBe('free');
      expect(existsSync(again.lock.location)).toBe(true);
      expect(pythonAcquires(root, 'third', ['src/a'], modulePath)).toBe(false);
    });
  },
);
