import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLockStore } from '../../src/lock/file-lock-store.js';
import { LayeredLockStore } from '../../src/store/layered-lock-store.js';
import { LeaseRelay, type RelayEvent } from '../../src/store/lease-relay.js';
import {
  adminQuery,
  openPgStore,
  pgAvailable,
  testSchema,
  uniqueName,
} from '../support/postgres.js';
import { eventually, startIdleProcess } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const schema = testSchema();

/** A lock directory, a shared store, and a relay between them that records what it says. */
function setup(options: { leaseTtlMs?: number } = {}) {
  const root = makeTempDir();
  const namespace = uniqueName('relay');
  const local = new FileLockStore({ loopsDir: path.join(root, '.loops'), projectRoot: root });
  const shared = openPgStore({ namespace, projectRoot: root, schema, ...options });
  const events: RelayEvent[] = [];
  const relay = new LeaseRelay(local, shared, {
    ttlMs: shared.leaseTtlMs,
    keep: true,
    onEvent: (event) => events.push(event),
  });
  return {
    root,
    local,
    shared,
    relay,
    events,
    leases: () =>
      adminQuery<{ instance: string; scope: string[]; pid: number }>(
        `SELECT instance, scope, pid FROM ${schema}.leases WHERE namespace = $1 ORDER BY token`,
        [namespace],
      ),
  };
}

describe.skipIf(!pgAvailable)('the lease relay', () => {
  it('publishes a loop that acquires again under the same name with its new scope, in place of the old lease', async () => {
    const { root, local, relay, events, leases } = setup();
    const pid = startIdleProcess().pid;
    const first = { loopName: 'loop', instance: 'loop', pid };
    await local.acquire({ ...first, scope: [path.join(root, 'src')] });
    await relay.pass();
    expect(await leases()).toEqual([{ instance: 'loop', scope: ['src'], pid }]);

    await local.release('loop', { force: true, caller: () => [] });
    await local.acquire({ ...first, scope: [path.join(root, 'docs')] });
    await relay.pass();
    expect(await leases()).toEqual([{ instance: 'loop', scope: ['docs'], pid }]);
    expect(events.map((event) => event.kind)).toEqual(['published', 'withdrawn', 'published']);
    await relay.stop();
  });

  it("leaves a record whose holder took its own lease to that holder, and another host's record to its host", async () => {
    const { root, local, shared, relay, events, leases } = setup();
    const pid = startIdleProcess().pid;
    const layered = new LayeredLockStore(local, shared);
    await layered.acquire({ loopName: 'own', scope: [path.join(root, 'a')], pid });
    const running = path.join(root, '.loops', '.running');
    mkdirSync(running, { recursive: true });
    writeFileSync(
      path.join(running, 'remote.lock'),
      JSON.stringify({
        loop_name: 'remote',
        scope: [path.join(root, 'b')],
        pid,
        started_at: new Date().toISOString(),
        host: 'another-machine',
      }),
    );

    expect(await relay.pass()).toEqual({ refused: 0 });
    expect(await relay.pass()).toEqual({ refused: 0 });
    expect((await leases()).map((lease) => lease.instance)).toEqual([
      expect.stringMatching(/^own-/),
    ]);
    expect(events).toEqual([]);
  });

  it("publishes a record whose holder's own lease ran out unrenewed", async () => {
    const { root, local, shared, relay, events, leases } = setup({ leaseTtlMs: 500 });
    const pid = startIdleProcess().pid;
    await new LayeredLockStore(local, shared).acquire({
      loopName: 'own',
      instance: 'own',
      scope: [path.join(root, 'a')],
      pid,
    });
    await relay.pass();
    expect(events).toEqual([]);
    await eventually(async () => {
      await relay.pass();
      return events.length > 0 ? true : undefined;
    });
    expect(events.map((event) => event.kind)).toEqual(['published']);
    expect(await leases()).toEqual([{ instance: 'own', scope: ['a'], pid }]);
    await relay.stop();
  });

  it('says once that a record cannot be read, and again when it changes', async () => {
    const { root, relay, events } = setup();
    const running = path.join(root, '.loops', '.running');
    mkdirSync(running, { recursive: true });
    writeFileSync(path.join(running, 'broken.lock'), '{"loop_name": ');
    await relay.pass();
    await relay.pass();
    expect(events.map((event) => event.kind)).toEqual(['unreadable']);
    writeFileSync(path.join(running, 'broken.lock'), '[]');
    await relay.pass();
    expect(events.map((event) => event.kind)).toEqual(['unreadable', 'unreadable']);
  });
});
