import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { judgeHolder } from '../../src/lock/holder-liveness.js';
import { processAncestry } from '../../src/lock/own-locks.js';
import {
  currentHost,
  parentPid,
  pidExists,
  processStart,
  readPsTable,
} from '../../src/lock/process-identity.js';
import { killHard, startIdleProcess } from '../support/processes.js';

describe('process identity', () => {
  it('knows a live process, its parent and its start, and forgets it once it has exited', async () => {
    const child = startIdleProcess();
    expect(pidExists(child.pid)).toBe(true);
    expect(parentPid(child.pid)).toBe(process.pid);
    const start = processStart(child.pid)!;
    expect(Math.abs(start.epochMs - Date.now())).toBeLessThan(10_000);
    expect(processStart(child.pid)).toEqual(start); // stable: the same process, the same token
    await killHard(child);
    expect(pidExists(child.pid)).toBe(false);
    expect(processStart(child.pid)).toBeUndefined();
  });

  // Node's kill() throws a type error (not ESRCH) for these, which must not read as "alive".
  it.each([2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER, 1.5, 0, -1, Number.NaN])(
    'knows no process can have pid %d, and no lock held by it is live',
    (pid) => {
      expect(pidExists(pid)).toBe(false);
      const record = { loop_name: 'x', scope: ['/x'], pid, started_at: '' };
      if (pid > 0) expect(judgeHolder(record).alive).toBe(false);
    },
  );

  // Records written before the host name was read from the kernel carry os.hostname()'s.
  it("names this host as node's os.hostname() does", () => {
    expect(currentHost()).toBe(hostname());
  });

  it('walks the ancestry from this process up to init', () => {
    const chain = processAncestry();
    expect(chain[0]).toMatchObject({
      pid: process.pid,
      startToken: processStart(process.pid)!.token,
    });
    expect(chain[1]?.pid).toBe(process.ppid);
    expect(chain.at(-1)!.pid).toBeLessThanOrEqual(1);
  });

  // The table is what systems without /proc (macOS, the BSDs) use; ps exists on Linux too, so it
  // is checked here against /proc.
  it('reads the same parents and start times from one ps table as from /proc', () => {
    const child = startIdleProcess();
    const table = readPsTable();
    for (const pid of [process.pid, child.pid]) {
      const entry = table.get(pid)!;
      expect(entry.ppid).toBe(parentPid(pid));
      expect(Math.abs(entry.start.epochMs - processStart(pid)!.epochMs)).toBeLessThan(1500);
      expect(entry.start.token).toMatch(/^ps:\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$/);
    }
  });
});
