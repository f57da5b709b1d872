import { adminQuery } from './postgres.js';

/** One lease's life by the server's clock, in microseconds since the epoch. */
export interface LeaseLife {
  token: bigint;
  namespace: string;
  keys: string[];
  grantedAt: bigint;
  /** When it was deleted, or last set to expire if that came first; undefined while live. */
  endedAt: bigint | undefined;
}

/**
 * Record every insert, renewal and delete of a test schema's leases, by the server's clock, with
 * a trigger: evidence about what the server granted that does not rely on the clients' word.
 */
export async function installLeaseAudit(schema: string): Promise<void> {
  await adminQuery(`
    CREATE TABLE ${schema}.lease_audit (
      id bigserial PRIMARY KEY,
      op text NOT NULL,
      namespace text NOT NULL,
      token bigint NOT NULL,
      keys text[] NOT NULL,
      at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
  await adminQuery(`
    CREATE FUNCTION ${schema}.audit_lease() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        INSERT INTO ${schema}.lease_audit (op, namespace, token, keys, at, expires_at)
        VALUES ('delete', OLD.namespace, OLD.token, OLD.scope_keys, clock_timestamp(), OLD.expires_at);
        RETURN OLD;
      END IF;
      INSERT INTO ${schema}.lease_audit (op, namespace, token, keys, at, expires_at)
      VALUES (lower(TG_OP), NEW.namespace, NEW.token, NEW.scope_keys, clock_timestamp(), NEW.expires_at);
      RETURN NEW;
    END $$`);
  await adminQuery(`
    CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON ${schema}.leases
    FOR EACH ROW EXECUTE FUNCTION ${schema}.audit_lease()`);
}

/** Every lease the audit saw in a namespace, in grant order. */
export async function leaseHistory(schema: string, namespace: string): Promise<LeaseLife[]> {
  const rows = await adminQuery<{
    op: string;
    token: string;
    keys: string[];
    at: string;
    expires: string;
  }>(
    `SELECT op, token, keys,
       (extract(epoch FROM at) * 1000000)::bigint::text AS at,
       (extract(epoch FROM expires_at) * 1000000)::bigint::text AS expires
     FROM ${schema}.lease_audit WHERE namespace = $1 ORDER BY id`,
    [namespace],
  );
  const lives = new Map<string, LeaseLife & { expiresAt: bigint; deletedAt?: bigint }>();
  for (const row of rows) {
    const at = BigInt(row.at);
    const expires = BigInt(row.expires);
    if (row.op === 'insert') {
      if (lives.has(row.token)) throw new Error(`token ${row.token} was granted twice`);
      lives.set(row.token, {
        token: BigInt(row.token),
        namespace,
        keys: row.keys,
        grantedAt: at,
        endedAt: undefined,
        expiresAt: expires,
      });
      continue;
    }
    const life = lives.get(row.token);
    if (!life) throw new Error(`token ${row.token} changed before it was granted`);
    if (row.op === 'update') life.expiresAt = expires > life.expiresAt ? expires : life.expiresAt;
    else life.deletedAt = at;
  }
  const now = BigInt(
    (
      await adminQuery<{ now: string }>(
        `SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS now`,
      )
    )[0]!.now,
  );
  return [...lives.values()].map(({ expiresAt, deletedAt, ...life }) => {
    const end = deletedAt !== undefined && deletedAt < expiresAt ? deletedAt : expiresAt;
    return { ...life, endedAt: deletedAt === undefined && expiresAt > now ? undefined : end };
  });
}

/**
 * The checker, written apart from the store's SQL: scope keys compared as lists of path segments
 * (`''` is the whole repository). Returns every pair of leases with overlapping scopes whose
 * lives overlap, and every grant whose token does not exceed the one granted before it.
 */
export function checkLeaseHistory(lives: readonly LeaseLife[]): {
  doubleGrants: [LeaseLife, LeaseLife][];
  tokenOrder: LeaseLife[];
} {
  const byGrant = [...lives].sort((a, b) => (a.grantedAt < b.grantedAt ? -1 : 1));
  const tokenOrder = byGrant.filter((life, i) => i > 0 && life.token <= byGrant[i - 1]!.token);
  const doubleGrants: [LeaseLife, LeaseLife][] = [];
  for (let i = 0; i < byGrant.length; i++) {
    const a = byGrant[i]!;
    for (let j = i + 1; j < byGrant.length; j++) {
      const b = byGrant[j]!;
      if (a.endedAt !== undefined && b.grantedAt >= a.endedAt) continue;
      if (a.keys.some((x) => b.keys.some((y) => segmentsOverlap(x, y)))) doubleGrants.push([a, b]);
    }
  }
  return { doubleGrants, tokenOrder };
}

function segmentsOverlap(a: string, b: string): boolean {
  const left = a === '' ? [] : a.split('/');
  const right = b === '' ? [] : b.split('/');
  const shorter = Math.min(left.length, right.length);
  for (let i = 0; i < shorter; i++) if (left[i] !== right[i]) return false;
  return true;
}
