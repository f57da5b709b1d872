// The relay: how long after the Python original writes a record the lease is visible to another
// client of the shared store. One `scopeguard store relay` runs in a fresh repository; one Python
// process acquires 100 times (a new loop name each time), printing the wall-clock time right after
// each acquire returns; another client (this process, its own connection) polls the server for
// the lease back to back. Each round waits until the relay has withdrawn the lease of the last.
// The server is SCOPEGUARD_BENCH_PG_URL (default: the test server); the namespace is removed
// afterwards.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findPython, pythonAvailability, pythonSeed } from './python-peer.js';
import { benchEnv, format, progress, run, summarize, table } from './timing.js';

export const title = 'Relay: a Python lock visible to other machines';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');
const pgUrl = process.env.SCOPEGUARD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const acquisitions = 100;

// Reads a command per line: `acquire N` takes loop bench-N and prints time.time() right after;
// `release N` gives it back and prints `released`.
const pythonHolder = `
import sys, time
from pathlib import Path
from concurrency import LockManager
manager = LockManager(Path(sys.argv[1]))
for line in sys.stdin:
    command, n = line.split()
    if command == "acquire":
        if not manager.acquire(f"bench-{n}", ["src"]):
            sys.exit("bench: the Python original could not acquire")
        print(repr(time.time()), flush=True)
    else:
        manager.release(f"bench-{n}")
        print("released", flush=True)
`;

export async function runBench() {
  const interpreter = findPython();
  const python = pythonAvailability(interpreter);
  if (!python.ok) return { skipped: python.reason };
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'scopeguard-bench-relay-')));
  const namespace = `bench-relay-${randomBytes(4).toString('hex')}`;
  const { env } = benchEnv();
  const repo = path.join(tmp, 'repo');
  run('git', ['init', '-q', repo], { env });
  const children = [];
  const pg = createRequire(import.meta.url)('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const relay = spawn(
      process.execPath,
      [scopeguardBin, 'store', 'relay', '--store', pgUrl, '--namespace', namespace],
      { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(relay);
    const relayLines = createInterface({ input: relay.stdout })[Symbol.asyncIterator]();
    await relayLines.next(); // "relaying ...": watching from now on

    const holder = spawn(interpreter.executable, ['-c', pythonHolder, path.join(repo, '.loops')], {
      cwd: repo,
      env: { ...env, PYTHONPATH: pythonSeed },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(holder);
    const answers = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
    const ask = async (line) => {
      holder.stdin.write(`${line}\n`);
      const answer = await answers.next();
      if (answer.done) throw new Error('bench: the Python holder exited');
      return answer.value;
    };
    const leaseCount = async (instance) =>
      (
        await client.query(
          'SELECT count(*)::int AS n FROM scopeguard.leases WHERE namespace = $1 AND instance = $2',
          [namespace, instance],
        )
      ).rows[0]?.n ?? 0;

    progress(`relay: ${acquisitions} Python acquisitions, each until its lease is visible`);
    const samples = [];
    for (let n = 0; n < acquisitions; n++) {
      const writtenAt = Number(await ask(`acquire ${n}`)) * 1000;
      while ((await leaseCount(`bench-${n}`)) === 0);
      samples.push(Date.now() - writtenAt);
      await ask(`release ${n}`);
      while ((await leaseCount(`bench-${n}`)) > 0);
    }
    return {
      acquisitions,
      python: interpreter.version,
      ...summarize(samples),
      max: Math.max(...samples),
    };
  } finally {
    for (const child of children) child.kill();
    await client
      .query('DELETE FROM scopeguard.namespaces WHERE name = $1', [namespace])
      .catch(() => undefined);
    await client.end();
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function toMarkdown(result) {
  if (result.skipped) return `Skipped: ${result.skipped}.`;
  return [
    `From the Python original's acquire returning (Python ${result.python}) to the lease being ` +
      `visible to another client of the server, ${result.acquisitions} acquisitions, one relay, ` +
      'loopback:',
    '',
    table(
      ['median ms', 'p90 ms', 'max ms'],
      ['---:', '---:', '---:'],
      [[format.ms(result.median), format.ms(result.p90), format.ms(result.max)]],
    ),
  ].join('\n');
}
