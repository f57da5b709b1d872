import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath } from '../support/cli.js';
import { isolatedEnv, makeTempRepo } from '../support/temp-dir.js';

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Runs argv[1:] with its stdout on a non-blocking pipe that nobody reads for a moment, so that
// a report larger than the pipe holds meets EAGAIN, then passes on what arrived and the exit code.
// Node cannot make a descriptor non-blocking for a child; Python can.
const nonBlockingPipe = `
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
child = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
time.sleep(0.5)
out = bytearray()
while chunk := os.read(r, 1 << 16):
    out += chunk
sys.stdout.buffer.write(out)
sys.exit(child.wait())
`;

describe('standard output', () => {
  it.skipIf(!hasPython())(
    'a report larger than a non-blocking pipe holds arrives whole and in order',
    () => {
      const root = makeTempRepo();
      const running = path.join(root, '.loops', '.running');
      mkdirSync(running, { recursive: true });
      const startedAt = new Date().toISOString().replace('Z', '');
      // About 300 bytes of JSON each: several times what a pipe holds (64 KiB on Linux).
      const count = 1000;
      for (let i = 0; i < count; i++) {
        const record = {
          loop_name: `loop-${i}`,
          scope: [path.join(root, 'src', `area-${i}`)],
          pid: process.pid,
          started_at: startedAt,
        };
        writeFileSync(path.join(running, `loop-${i}.lock`), JSON.stringify(record));
      }
      const args = [binPath, 'locks', 'list', '--json'];
      const direct = spawnSync(process.execPath, args, { cwd: root, env: isolatedEnv() });
      expect(direct.status, String(direct.stderr)).toBe(0);
      expect(direct.stdout.length).toBeGreaterThan(1 << 16);

      const piped = spawnSync('python3', ['-c', nonBlockingPipe, process.execPath, ...args], {
        cwd: root,
        env: isolatedEnv(),
        maxBuffer: 1 << 24,
      });
      expect(String(piped.stderr)).toBe('');
      expect(piped.status).toBe(0);
      const locks = (JSON.parse(String(piped.stdout)) as { locks: { instance: string }[] }).locks;
      expect(locks.map((lock) => lock.instance).sort()).toEqual(
        Array.from({ length: count }, (_, i) => `loop-${i}`).sort(),
      );
    },
  );
});
