import { randomUUID } from 'node:crypto';
import { judgeHolder, type HolderVerdict } from '../lock/holder-liveness.js';
import { pythonIsoTimestamp, recordSchemaVersion, type LockRecord } from '../lock/lock-record.js';
import type {
  AcquireRequest,
  AcquireResult,
  ConflictReason,
  LiveLock,
  LockSnapshot,
  LockStore,
  ReapedLock,
  ReleaseOptions,
  ReleaseOutcome,
  RenewOutcome,
  StoreProbe,
  StoreProblem,
} from '../lock/lock-store.js';
import { freshInstance } from '../lock/fresh-instance.js';
import { isHeldByAncestry, isSameHolderAs } from '../lock/own-locks.js';
import {
  currentBootId,
  currentHost,
  currentPidNamespace,
  processStart,
} from '../lock/process-identity.js';
import { defaultLeaseTtlMs } from './lease-keeper.js';
import { defaultTimeouts, PgConnection, type PgClient, type PgTimeouts } from './pg-connection.js';
import {
  assertKnownVersion,
  defaultSchema,
  migrateSchema,
  quoteSchema,
  readSchemaVersion,
  schemaVersion,
} from './pg-schema.js';
import { fromSharedEntry, toSharedEntry } from './shared-scope.js';
import type { StoreUrl } from './store-url.js';

/** How long a lease lives without renewal unless configured; holders renew every third of it. */

export interface PgLockStoreOptions {
  url: StoreUrl;
  /** Which repository's locks, see `resolveNamespace`. */
  namespace: string;
  /** The main worktree's top level: stored entries come back absolute under it. */
  projectRoot: string;
  /** Every worktree's top level (default: the project root); entries are stored relative to them. */
  worktreeRoots?: readonly string[];
  /** Compare scope entries case-folded when acquiring, as `core.ignorecase` says. */
  ignoreCase?: boolean;
  schema?: string;
  leaseTtlMs?: number;
  timeouts?: Partial<PgTimeouts>;
  /** The host written into leases and trusted for pid proof (default: this machine's name). */
  host?: string;
  /** Shown in the server's `pg_stat_activity`. */
  applicationName?: string;
}

/** A lease row as read back from the server. */
interface LeaseRow {
  instance: string;
  loop_name: string;
  scope: string[];
  singleton: boolean;
  host: string;
  pid: number;
  boot_id: string | null;
  proc_start: string | null;
  pid_ns: string | null;
  token: string;
  granted_at: Date;
  expires_at: Date;
}

interface Stale {
  row: LeaseRow;
  reason: string;
}

const leaseColumns =
  'instance, loop_name, scope, singleton, host, pid, boot_id, proc_start, pid_ns, token, granted_at, expires_at';

/**
 * The shared store: leases in PostgreSQL, one namespace per repository. Every decision to grant
 * is taken in one transaction under the namespace row's lock (`SELECT ... FOR UPDATE`, which is
 * transaction-scoped and so works behind a transaction-mode pooler), by SQL run on the server;
 * expiry follows the server's clock. Leases of this host are also reaped early on proof that the
 * holder died, as in the directory store; other hosts' leases only by expiry.
 */
export class PgLockStore implements LockStore {
  readonly description: string;
  readonly namespace: string;
  readonly leaseTtlMs: number;
  private readonly connection: PgConnection;
  private readonly schema: string;
  private readonly leases: string;
  private readonly namespaces: string;
  private readonly projectRoot: string;
  private readonly worktreeRoots: readonly string[];
  private readonly ignoreCase: boolean;
  private readonly host: string;
  private readonly url: StoreUrl;
  private schemaCurrent = false;

  constructor(options: PgLockStoreOptions) {
    this.url = options.url;
    this.namespace = options.namespace;
    this.schema = options.schema ?? defaultSchema;
    const quoted = quoteSchema(this.schema);
    this.leases = `${quoted}.leases`;
    this.namespaces = `${quoted}.namespaces`;
    this.projectRoot = options.projectRoot;
    this.worktreeRoots = options.worktreeRoots ?? [options.projectRoot];
    this.ignoreCase = options.ignoreCase ?? false;
    this.host = options.host ?? currentHost();
    this.leaseTtlMs = options.leaseTtlMs ?? defaultLeaseTtlMs;
    this.description = `${options.url.display} (namespace ${options.namespace})`;
    this.connection = new PgConnection(
      options.url,
      { ...defaultTimeouts, ...options.timeouts },
      options.applicationName ?? 'scopeguard',
    );
  }

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    // Outside the repository is a usage error before anything reaches the server.
    const entries = request.scope.map((entry) => toSharedEntry(entry, this.worktreeRoots));
    const keys = entries.map((entry) => (this.ignoreCase ? entry.key.toLowerCase() : entry.key));
    const pid = request.pid ?? process.pid;
    const procStart = processStart(pid)?.token ?? null;
    // One id for every attempt: an attempt whose COMMIT went through but whose reply was lost
    // is recognised by the retry, which returns that grant instead of making a second.
    const requestId = request.requestId ?? randomUUID();
    return this.connection.run(async (client) => {
      await this.ensureSchema(client, true);
      return PgConnection.transaction(client, async (): Promise<AcquireResult> => {
        await client.query(
          `INSERT INTO ${this.namespaces} (name) VALUES ($1) ON CONFLICT DO NOTHING`,
          [this.namespace],
        );
        await client.query(`SELECT 1 FROM ${this.namespaces} WHERE name = $1 FOR UPDATE`, [
          this.namespace,
        ]);
        // A live grant of this request (a retry, or a record published again) is renewed and
        // returned; an expired one is reaped below like any other, and granted afresh.
        const earlier = await client.query<LeaseRow>(
          `UPDATE ${this.leases} SET expires_at = clock_timestamp() + ttl_ms * interval '1 millisecond'
           WHERE namespace = $1 AND request_id = $2 AND expires_at > clock_timestamp()
           RETURNING ${leaseColumns}`,
          [this.namespace, requestId],
        );
        if (earlier.rows[0])
          return {
            acquired: true,
            lock: this.toLiveLock(earlier.rows[0]),
            reaped: [],
            problems: [],
          };

        const { reaped, localLive } = await this.reapUnderLock(client);
        const instance = request.instance ?? freshInstance(request.loopName, new Date());
        // The directory store's same-holder rule, applied to this host's live leases: a lease
        // held by the holder or one of its ancestors never conflicts with it.
        const isOwn = isSameHolderAs(pid);
        const ownTokens = localLive
          .filter((row) => isOwn({ ...this.toLiveLock(row), record: this.asThisMachine(row) }))
          .map((row) => row.token);
        const conflict = await client.query<LeaseRow & { reason: ConflictReason }>(
          `SELECT ${leaseColumns}, reason FROM (
             SELECT l.*,
               CASE WHEN NOT same_holder AND $4 AND l.singleton AND l.loop_name = $3 THEN 'singleton'
                    WHEN NOT same_holder AND overlapping THEN 'scope'
                    WHEN l.instance = $2 THEN 'instance' END AS reason
             FROM (
               SELECT l.*,
                 l.token = ANY ($6::bigint[]) AS same_holder,
                 EXISTS (
                   SELECT 1
                   FROM unnest(CASE WHEN $7 THEN l.folded_keys ELSE l.scope_keys END) AS held (k),
                        unnest($5::text[]) AS wanted (k)
                   WHERE held.k = wanted.k OR held.k = '' OR wanted.k = ''
                      OR starts_with(wanted.k, held.k || '/') OR starts_with(held.k, wanted.k || '/')
                 ) AS overlapping
               FROM ${this.leases} l
               WHERE l.namespace = $1
             ) l
           ) l
           WHERE reason IS NOT NULL
           ORDER BY reason = 'instance', token
           LIMIT 1`,
          [
            this.namespace,
            instance,
            request.loopName,
            request.singleton === true,
            keys,
            ownTokens,
            this.ignoreCase,
          ],
        );
        const blocker = conflict.rows[0];
        if (blocker)
          return {
            acquired: false,
            conflict: this.toLiveLock(blocker),
            reason: blocker.reason,
            reaped,
            problems: [],
          };

        const granted = await client.query<LeaseRow>(
          `WITH next AS (
             UPDATE ${this.namespaces} SET last_token = last_token + 1 WHERE name = $1
             RETURNING last_token
           )
           INSERT INTO ${this.leases} (namespace, instance, loop_name, scope, scope_keys,
             folded_keys, singleton, host, pid, boot_id, proc_start, pid_ns, token, request_id,
             ttl_ms, granted_at, expires_at)
           SELECT $1::text, $2::text, $3::text, $4::text[], $5::text[], $6::text[], $7::boolean,
             $8::text, $9::integer, $10::text, $11::text, $14::text, next.last_token, $12::uuid,
             $13::integer, clock_timestamp(),
             clock_timestamp() + $13::integer * interval '1 millisecond'
           FROM next
           RETURNING ${leaseColumns}`,
          [
            this.namespace,
            instance,
            request.loopName,
            entries.map((entry) => entry.entry),
            entries.map((entry) => entry.key),
            entries.map((entry) => entry.key.toLowerCase()),
            request.singleton === true,
            this.host,
            pid,
            currentBootId(),
            procStart,
            requestId,
            this.leaseTtlMs,
            currentPidNamespace(),
          ],
        );
        return { acquired: true, lock: this.toLiveLock(granted.rows[0]!), reaped, problems: [] };
      });
    });
  }

  async release(instance: string, options: ReleaseOptions): Promise<ReleaseOutcome> {
    let seen: LiveLock | undefined;
    return this.connection.run(async (client, attempt): Promise<ReleaseOutcome> => {
      if (!(await this.ensureSchema(client, false))) return { status: 'missing', instance };
      const found = await client.query<LeaseRow & { expired: boolean }>(
        `SELECT ${leaseColumns}, expires_at <= clock_timestamp() AS expired
         FROM ${this.leases} WHERE namespace = $1 AND instance = $2`,
        [this.namespace, instance],
      );
      const row = found.rows[0];
      // Gone on a retry after the connection broke: the earlier attempt's DELETE went through.
      if (!row)
        return seen && attempt > 1
          ? { status: 'released', lock: seen }
          : { status: 'missing', instance };
      const lock = this.toLiveLock(row);
      seen = lock;
      if (!options.force && !row.expired && !this.mayRelease(row, options))
        return { status: 'refused', lock };
      await client.query(
        `DELETE FROM ${this.leases} WHERE namespace = $1 AND instance = $2 AND token = $3`,
        [this.namespace, instance, row.token],
      );
      return { status: 'released', lock };
    });
  }

  /**
   * Remove one grant, named by its fencing token, whoever holds it: the relay's way to take back a
   * lease it published once the record behind it is gone. A lease granted again under the same
   * name meanwhile has another token and stays. Returns whether the grant was still there.
   */
  async withdraw(lock: LiveLock): Promise<boolean> {
    const token = lock.lease?.token;
    if (token === undefined) return false;
    return this.connection.run(async (client) => {
      const deleted = await client.query(
        `DELETE FROM ${this.leases} WHERE namespace = $1 AND instance = $2 AND token = $3`,
        [this.namespace, lock.instance, token],
      );
      return (deleted.rowCount ?? 0) > 0;
    });
  }

  async snapshot(): Promise<LockSnapshot> {
    return this.connection.run(async (client) => {
      const { live, stale } = await this.readLeases(client);
      const problems: StoreProblem[] = [];
      let reaped: ReapedLock[] = [];
      try {
        reaped = await this.removeStale(client, stale);
      } catch (error) {
        // A reader that may only read (a CI role, say) still reports what it sees; the stale
        // leases stay for someone who may remove them, and cannot block anyone past expiry.
        if ((error as { code?: unknown }).code !== '42501') throw error;
        problems.push(
          ...stale.map(({ row, reason }) => ({
            stem: row.instance,
            file: this.toLiveLock(row).location,
            reason: `stale (${reason}) but cannot be removed with this role`,
            blocking: false,
          })),
        );
      }
      return { locks: live.map((row) => this.toLiveLock(row)), problems, reaped };
    });
  }

  async reap(options: { dryRun?: boolean } = {}): Promise<ReapedLock[]> {
    return this.connection.run(async (client) => {
      const { stale } = await this.readLeases(client);
      if (!options.dryRun) return this.removeStale(client, stale);
      return stale.map(({ row, reason }) => ({ ...this.toLiveLock(row), reason }));
    });
  }

  async renew(lock: LiveLock): Promise<RenewOutcome> {
    const token = lock.lease?.token;
    if (token === undefined)
      return { renewed: false, reason: `${lock.instance} is not a lease of ${this.description}` };
    return this.connection.run(async (client): Promise<RenewOutcome> => {
      const renewed = await client.query<LeaseRow>(
        `UPDATE ${this.leases} SET expires_at = clock_timestamp() + ttl_ms * interval '1 millisecond'
         WHERE namespace = $1 AND instance = $2 AND token = $3 AND expires_at > clock_timestamp()
         RETURNING ${leaseColumns}`,
        [this.namespace, lock.instance, token],
      );
      if (renewed.rows[0]) return { renewed: true, lock: this.toLiveLock(renewed.rows[0]) };
      const left = await client.query<{ expires_at: Date }>(
        `SELECT expires_at FROM ${this.leases} WHERE namespace = $1 AND instance = $2 AND token = $3`,
        [this.namespace, lock.instance, token],
      );
      const expiredAt = left.rows[0]?.expires_at;
      return {
        renewed: false,
        reason: expiredAt
          ? `the lease expired at ${expiredAt.toISOString()} (server time) before it was renewed`
          : 'the lease is gone from the shared store (released, or reaped after it expired)',
      };
    });
  }

  async probe(): Promise<StoreProbe> {
    return this.connection.run(async (client) => {
      const version = await readSchemaVersion(client, this.schema);
      assertKnownVersion(version, this.schema);
      const facts = [
        { label: 'server', value: this.url.display },
        { label: 'namespace', value: this.namespace },
      ];
      if (version === 0) {
        facts.push({
          label: 'schema',
          value: `"${this.schema}" not created yet (created on first acquire)`,
        });
        return { exists: false, facts };
      }
      const counts = await client.query<{ known: boolean; live: string }>(
        `SELECT EXISTS (SELECT 1 FROM ${this.namespaces} WHERE name = $1) AS known,
           (SELECT count(*) FROM ${this.leases}
             WHERE namespace = $1 AND expires_at > clock_timestamp()) AS live`,
        [this.namespace],
      );
      const { known, live } = counts.rows[0]!;
      facts.push(
        { label: 'schema', value: `"${this.schema}" version ${version}` },
        { label: 'live leases', value: live },
        { label: 'lease ttl', value: `${this.leaseTtlMs / 1000} s` },
      );
      return { exists: known, facts };
    });
  }

  /** Create or upgrade the schema now; returns the versions before and after. */
  async migrate(): Promise<{ before: number; after: number }> {
    const before = await this.connection.run((client) => migrateSchema(client, this.schema));
    this.schemaCurrent = true;
    return { before, after: schemaVersion };
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /**
   * Make sure the schema is usable, once per store. Writers create or upgrade it; readers never
   * create it (no schema means no locks) but do upgrade an old one, which they must read. Returns
   * whether the schema exists.
   */
  private async ensureSchema(client: PgClient, create: boolean): Promise<boolean> {
    if (this.schemaCurrent) return true;
    const version = await readSchemaVersion(client, this.schema);
    assertKnownVersion(version, this.schema);
    if (version === 0 && !create) return false;
    if (version < schemaVersion) await migrateSchema(client, this.schema);
    this.schemaCurrent = true;
    return true;
  }

  /**
   * Remove expired leases and this host's leases whose holders died; returns what was removed and
   * this host's leases that stay. Namespace lock held.
   */
  private async reapUnderLock(
    client: PgClient,
  ): Promise<{ reaped: ReapedLock[]; localLive: LeaseRow[] }> {
    const expired = await client.query<LeaseRow>(
      `DELETE FROM ${this.leases} WHERE namespace = $1 AND expires_at <= clock_timestamp()
       RETURNING ${leaseColumns}`,
      [this.namespace],
    );
    const local = await client.query<LeaseRow>(
      `SELECT ${leaseColumns} FROM ${this.leases} WHERE namespace = $1 AND host = $2`,
      [this.namespace, this.host],
    );
    const dead = this.deadHolders(local.rows);
    const expiredReaped = expired.rows.map((row) =>
      this.toReaped({ row, reason: expiredReason(row) }),
    );
    const deadTokens = new Set(dead.map(({ row }) => row.token));
    return {
      reaped: [...expiredReaped, ...(await this.removeStale(client, dead))],
      localLive: local.rows.filter((row) => !deadTokens.has(row.token)),
    };
  }

  /** All leases of the namespace, split into live ones and stale ones with the reason. */
  private async readLeases(client: PgClient): Promise<{ live: LeaseRow[]; stale: Stale[] }> {
    if (!(await this.ensureSchema(client, false))) return { live: [], stale: [] };
    const result = await client.query<LeaseRow & { expired: boolean }>(
      `SELECT ${leaseColumns}, expires_at <= clock_timestamp() AS expired
       FROM ${this.leases} WHERE namespace = $1 ORDER BY token`,
      [this.namespace],
    );
    const expired = result.rows.filter((row) => row.expired);
    const dead = this.deadHolders(result.rows.filter((row) => !row.expired));
    const staleTokens = new Set([
      ...expired.map((row) => row.token),
      ...dead.map(({ row }) => row.token),
    ]);
    return {
      live: result.rows.filter((row) => !staleTokens.has(row.token)),
      stale: [...expired.map((row) => ({ row, reason: expiredReason(row) })), ...dead],
    };
  }

  /**
   * Delete stale leases by token, so a lease granted again under the same name meanwhile is not
   * touched. The token alone decides: an expired lease is never renewed, and a dead holder stays
   * dead.
   */
  private async removeStale(client: PgClient, stale: readonly Stale[]): Promise<ReapedLock[]> {
    if (stale.length === 0) return [];
    const deleted = await client.query<{ token: string }>(
      `DELETE FROM ${this.leases} WHERE namespace = $1 AND token = ANY ($2::bigint[]) RETURNING token`,
      [this.namespace, stale.map(({ row }) => row.token)],
    );
    const gone = new Set(deleted.rows.map((row) => row.token));
    return stale.filter(({ row }) => gone.has(row.token)).map((entry) => this.toReaped(entry));
  }

  private deadHolders(rows: readonly LeaseRow[]): Stale[] {
    const dead: Stale[] = [];
    for (const row of rows) {
      const verdict = this.judge(row);
      if (!verdict.alive) dead.push({ row, reason: verdict.reason });
    }
    return dead;
  }

  /** Only this host's leases are judged by their holder; other hosts' live until they expire. */
  private judge(row: LeaseRow): HolderVerdict {
    if (row.host !== this.host) return { alive: true };
    return judgeHolder(this.asThisMachine(row));
  }

  private mayRelease(row: LeaseRow, options: ReleaseOptions): boolean {
    if (row.host !== this.host) return false;
    const record = this.asThisMachine(row);
    return !judgeHolder(record).alive || isHeldByAncestry(record, options.caller());
  }

  /**
   * The record of a lease of this store's host, without the host: the host may be a stand-in
   * name for this machine, and the pid checks must then still apply.
   */
  private asThisMachine(row: LeaseRow): LockRecord {
    const record = this.toRecord(row);
    delete record.host;
    return record;
  }

  private toRecord(row: LeaseRow): LockRecord {
    return {
      loop_name: row.loop_name,
      scope: row.scope.map((entry) => fromSharedEntry(entry, this.projectRoot)),
      pid: row.pid,
      started_at: pythonIsoTimestamp(row.granted_at),
      ...(row.singleton ? { singleton: true as const } : {}),
      schema: recordSchemaVersion,
      instance: row.instance,
      host: row.host,
      ...(row.boot_id === null ? {} : { boot_id: row.boot_id }),
      ...(row.proc_start === null ? {} : { proc_start: row.proc_start }),
      ...(row.pid_ns === null ? {} : { pid_ns: row.pid_ns }),
    };
  }

  private toLiveLock(row: LeaseRow): LiveLock {
    return {
      instance: row.instance,
      location: `${this.description}: lease ${row.instance}`,
      record: this.toRecord(row),
      store: 'shared',
      lease: { token: row.token, expiresAt: row.expires_at },
    };
  }

  private toReaped({ row, reason }: Stale): ReapedLock {
    return { ...this.toLiveLock(row), reason };
  }
}

function expiredReason(row: LeaseRow): string {
  return `its lease expired at ${row.expires_at.toISOString()} (server time) without renewal`;
}
