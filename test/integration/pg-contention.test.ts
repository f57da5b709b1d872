import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LockManager } from '../../src/lock/lock-manager.js';
import { repoRoot } from '../support/cli.js';
import { checkLeaseHistory, installLeaseAudit, leaseHistory } from '../support/lease-audit.js';
import { openPgStore, pgAvailable, pgUrl, testSchema, uniqueName } from '../support/postgres.js';
import { eventually, killHard, track } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const worker = path.join(repoRoot, 'test', 'integration', 'workers', 'pg-lease-worker.mjs');
const schema = testSchema();
const hosts = ['host-a', 'host-b', 'host-c'];
const scopes = ['area', 'area/one', 'area/two', 'area/one/deep', 'other', '.'];
const ttlMs = 4000;

interface Summary {
  grants: number;
  refusals: number;
  errors: number;
  messages: string[];
}

function summaryOf(child: ChildProcess): Promise<Summary | undefined> {
  return new Promise((resolve) => {
    let summary: Summary | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) summary = JSON.parse(line) as Summary;
    });
    child.once('close', () => resolve(summary));
  });
}

describe.skipIf(!pgAvailable)('contention on the shared store', () => {
  it('never grants overlapping leases at once to 9 processes on 3 hosts, with holders SIGKILLed', async () => {
    const root = makeTempDir();
    const namespace = uniqueName('contention');
    await openPgStore({ namespace, projectRoot: root, schema }).migrate();
    await installLeaseAudit(schema);
    const stopFile = path.join(root, 'stop');
    const start = (host: string) => {
      const child = track(
        spawn(
          process.execPath,
          [worker, pgUrl, schema, namespace, host, root, String(ttlMs), stopFile, ...scopes],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        ),
      );
      return { host, child, summary: summaryOf(child) };
    };
    const workers = hosts.flatMap((host) => [start(host), start(host), start(host)]);

    // Kill a random worker, whatever it is doing, and start another on its host in its place,
    // until enough has happened (a loaded machine takes longer to get there).
    let kills = 0;
    const grants = async () => (await leaseHistory(schema, namespace).catch(() => [])).length;
    const giveUpAt = Date.now() + 30_000;
    while ((kills < 10 || (await grants()) < 40) && Date.now() < giveUpAt) {
      await sleep(300 + Math.random() * 300);
      const index = Math.floor(Math.random() * workers.length);
      await killHard(workers[index]!.child);
      kills++;
      workers[index] = start(workers[index]!.host);
    }
    await sleep(500);
    writeFileSync(stopFile, '');
    const summaries = await Promise.all(workers.map((w) => w.summary));

    // Survivors finished cleanly: no lease was lost under them, and none failed.
    expect(summaries.map((s) => s && { errors: s.errors, messages: s.messages })).toEqual(
      summaries.map(() => ({ errors: 0, messages: [] })),
    );
    // Killed holders' leases do not stay: the scope of everything is free again soon.
    const manager = new LockManager({
      projectRoot: root,
      store: openPgStore({ namespace, projectRoot: root, schema }),
    });
    await eventually(
      async () => ((await manager.acquire('after', [])).acquired ? true : undefined),
      2 * ttlMs + 5000,
    );

    const history = await leaseHistory(schema, namespace);
    const { doubleGrants, tokenOrder } = checkLeaseHistory(history);
    expect(doubleGrants).toEqual([]);
    expect(tokenOrder).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(10);
    expect(history.length).toBeGreaterThanOrEqual(40);
    expect(summaries.some((summary) => summary && summary.refusals > 0)).toBe(true);
    // Overlapping scopes took turns: any 4 of the 6 scopes hold an overlapping pair. Requiring all
    // 6 would fail on a loaded machine where the widest scopes are seldom free.
    const granted = new Set(history.map((life) => life.keys.join()));
    expect(
      [...granted].every((key) =>
        ['area', 'area/one', 'area/two', 'area/one/deep', 'other', ''].includes(key),
      ),
    ).toBe(true);
    expect(granted.size).toBeGreaterThanOrEqual(4);
  }, 90_000);
});
