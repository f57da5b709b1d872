// Contention worker for the shared store (built code): posing as host HOST, it takes a lease on
// a random scope, holds it a little (renewing when it holds long), releases it, and goes again
// until STOP_FILE exists (or 60 s at most). At the end it prints a JSON summary; every error is
// counted, with the first few messages.
// Usage: node pg-lease-worker.mjs URL SCHEMA NAMESPACE HOST ROOT TTL_MS STOP_FILE SCOPE...
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAncestry } from '../../../dist/lock/own-locks.js';
import { PgLockStore } from '../../../dist/store/pg-lock-store.js';
import { parseStoreUrl } from '../../../dist/store/store-url.js';

const [url, schema, namespace, host, root, ttl, stopFile, ...scopes] = process.argv.slice(2);
const leaseTtlMs = Number(ttl);
const store = new PgLockStore({
  url: parseStoreUrl(url, 'worker'),
  namespace,
  projectRoot: root,
  schema,
  host,
  leaseTtlMs,
  applicationName: 'scopeguard-test-worker',
});
const summary = { grants: 0, refusals: 0, errors: 0, messages: [] };
const failed = (error) => {
  summary.errors++;
  if (summary.messages.length < 5) summary.messages.push(String(error?.message ?? error));
};

const deadline = Date.now() + 60_000;
while (!existsSync(stopFile) && Date.now() < deadline) {
  const scope = scopes[Math.floor(Math.random() * scopes.length)];
  try {
    const result = await store.acquire({
      loopName: host,
      scope: [scope === '.' ? root : path.join(root, scope)],
    });
    if (result.acquired) {
      summary.grants++;
      // One hold in ten outlasts a renewal period, so renewals race with the others' grants.
      const holdMs = Math.random() < 0.1 ? leaseTtlMs / 2 : 5 + Math.random() * 40;
      let lock = result.lock;
      for (let held = 0; held < holdMs; held += leaseTtlMs / 3) {
        await sleep(Math.min(leaseTtlMs / 3, holdMs - held));
        const renewed = await store.renew(lock);
        if (!renewed.renewed) throw new Error(`lost a lease while holding it: ${renewed.reason}`);
        lock = renewed.lock;
      }
      const released = await store.release(lock.instance, { caller: () => processAncestry() });
      if (released.status !== 'released') throw new Error(`release said ${released.status}`);
    } else {
      summary.refusals++;
    }
  } catch (error) {
    failed(error);
  }
  await sleep(Math.random() * 10);
}
await store.close();
console.log(JSON.stringify(summary));
