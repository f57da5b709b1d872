import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { PgLockStore, type PgLockStoreOptions } from '../../src/store/pg-lock-store.js';
import { parseStoreUrl } from '../../src/store/store-url.js';

/**
 * The real PostgreSQL server the shared-store tests run against. Tests skip with a message when
 * it is not reachable, unless CI or SCOPEGUARD_REQUIRE_PG=1 is set: then a missing server fails
 * the run.
 */
export const pgUrl =
  process.env.SCOPEGUARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function findServer(): string | undefined {
  // A child process, so the check stays synchronous and the test file can decide to skip.
  const probe = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import pg from 'pg';
       const client = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
       await client.connect(); await client.query('SELECT 1'); await client.end();`,
      pgUrl,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (probe.status === 0) return undefined;
  const reason = probe.stderr.split('\n').find((line) => /Error/.test(line)) ?? 'no answer';
  return `PostgreSQL is not reachable at ${parseStoreUrl(pgUrl, 'SCOPEGUARD_TEST_PG_URL').display} (${reason.trim()})`;
}

const missing = findServer();
if (missing && (process.env.CI || process.env.SCOPEGUARD_REQUIRE_PG === '1')) {
  throw new Error(`the shared-store tests are required (CI) but ${missing}`);
}
if (missing) console.warn(`skipping shared-store tests: ${missing}`);

/** True when the server answers. */
export const pgAvailable = missing === undefined;

/** Run one statement as the test administrator. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A name no other test uses, for a namespace, a schema or a role. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/**
 * A schema of its own for one test file, dropped after it. The stores create it on first use.
 */
export function testSchema(): string {
  const schema = uniqueName('sg_test');
  afterAll(async () => {
    if (pgAvailable) await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  return schema;
}

const opened: PgLockStore[] = [];

afterAll(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close().catch(() => undefined)));
});

/** A store on the test server, closed after the test file. */
export function openPgStore(
  options: Omit<PgLockStoreOptions, 'url'> & { url?: string },
): PgLockStore {
  const store = new PgLockStore({ ...options, url: parseStoreUrl(options.url ?? pgUrl, 'test') });
  opened.push(store);
  return store;
}
