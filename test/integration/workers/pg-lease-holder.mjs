// Holds one lease of the shared store (built code) and renews it every third of its time to
// live, printing `held TOKEN`, then `renewed` after each renewal, or `lost REASON` and exiting
// once a renewal finds the lease lost.
// Usage: node pg-lease-holder.mjs URL SCHEMA NAMESPACE ROOT TTL_MS SCOPE
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgLockStore } from '../../../dist/store/pg-lock-store.js';
import { parseStoreUrl } from '../../../dist/store/store-url.js';

const [url, schema, namespace, root, ttl, scope] = process.argv.slice(2);
const leaseTtlMs = Number(ttl);
const store = new PgLockStore({
  url: parseStoreUrl(url, 'holder'),
  namespace,
  projectRoot: root,
  schema,
  leaseTtlMs,
});
const result = await store.acquire({ loopName: 'holder', scope: [path.join(root, scope)] });
if (!result.acquired) throw new Error(`not acquired: held by ${result.conflict.instance}`);
console.log(`held ${result.lock.lease.token}`);
let lock = result.lock;
for (;;) {
  await sleep(leaseTtlMs / 3);
  const renewed = await store.renew(lock);
  if (!renewed.renewed) {
    console.log(`lost ${renewed.reason}`);
    break;
  }
  lock = renewed.lock;
  console.log('renewed');
}
await store.close();
