import type { ClientBase } from 'pg';
import { EnvironmentError, UsageError } from '../errors.js';

/** The schema scopeguard keeps its tables in unless told otherwise. */
export const defaultSchema = 'scopeguard';

/**
 * The migrations, in order, each given the quoted schema name; the schema's version is how many
 * have been applied. Never edit one that has shipped: add the next.
 */
const migrations: readonly ((S: string) => string)[] = [
  (S) => `CREATE TABLE ${S}.namespaces (
     name text COLLATE "C" PRIMARY KEY,
     last_token bigint NOT NULL DEFAULT 0,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp()
   );
   CREATE TABLE ${S}.leases (
     namespace text COLLATE "C" NOT NULL REFERENCES ${S}.namespaces (name) ON DELETE CASCADE,
     instance text COLLATE "C" NOT NULL,
     loop_name text COLLATE "C" NOT NULL,
     scope text[] COLLATE "C" NOT NULL,
     scope_keys text[] COLLATE "C" NOT NULL,
     folded_keys text[] COLLATE "C" NOT NULL,
     singleton boolean NOT NULL,
     host text NOT NULL,
     pid integer NOT NULL CHECK (pid > 0),
     boot_id text,
     proc_start text,
     token bigint NOT NULL,
     request_id uuid NOT NULL,
     ttl_ms integer NOT NULL CHECK (ttl_ms > 0),
     granted_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     PRIMARY KEY (namespace, instance),
     UNIQUE (namespace, token),
     UNIQUE (namespace, request_id)
   );`,
  // The holder's pid namespace, as directory records carry it: a lease taken in a container that
  // shares this host's name and boot must not be judged by a pid that means another process here.
  // Leases written before it (NULL) are taken to be of the reader's namespace, as before.
  (S) => `ALTER TABLE ${S}.leases ADD COLUMN pid_ns text;`,
];

/** The schema version this scopeguard writes and understands. */
export const schemaVersion = migrations.length;

/** Check a schema name and quote it for SQL; only plain lower-case identifiers are accepted. */
export function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UsageError(
      `invalid store schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _ ` +
        '(not first: a digit), at most 63 characters.',
      'invalid-schema-name',
    );
  }
  return `"${schema}"`;
}

/**
 * The version of the schema on the server, or 0 when it has not been created. Changes nothing,
 * so it needs no privilege beyond reading.
 */
export async function readSchemaVersion(client: ClientBase, schema: string): Promise<number> {
  // The catalog is read as a table, not through to_regclass: a backend that looked the name up
  // before another one created it would otherwise trust its cached "no such table".
  const found = await client.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
       WHERE schemaname = $1 AND tablename = 'schema_version') AS present`,
    [schema],
  );
  if (!found.rows[0]?.present) return 0;
  const result = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${quoteSchema(schema)}.schema_version`,
  );
  return result.rows[0]?.version ?? 0;
}

/**
 * Create or upgrade the schema to the current version, and return the version found before. Safe
 * when many clients start at once: one transaction, serialised by a transaction-scoped advisory
 * lock (released at COMMIT, so it also works behind a transaction-mode pooler), re-reading the
 * version once it holds the lock. A schema newer than this scopeguard is an error (exit 3).
 */
export async function migrateSchema(client: ClientBase, schema: string): Promise<number> {
  const quoted = quoteSchema(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`scopeguard:${schema}`]);
    const before = await readSchemaVersion(client, schema);
    assertKnownVersion(before, schema);
    if (before < schemaVersion) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoted}.schema_version (
           version integer PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
         )`,
      );
      for (let version = before + 1; version <= schemaVersion; version++) {
        await client.query(migrations[version - 1]!(quoted));
        await client.query(`INSERT INTO ${quoted}.schema_version (version) VALUES ($1)`, [version]);
      }
    }
    await client.query('COMMIT');
    return before;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Refuse a schema written by a newer scopeguard: its tables may mean things we do not know. */
export function assertKnownVersion(version: number, schema: string): void {
  if (version <= schemaVersion) return;
  throw new EnvironmentError(
    `the shared store's schema "${schema}" is at version ${version}, newer than this scopeguard ` +
      `understands (${schemaVersion}): upgrade scopeguard on this machine.`,
    'store-schema-newer',
  );
}
