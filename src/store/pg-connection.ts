import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { EnvironmentError, ScopeguardError } from '../errors.js';
import type { StoreUrl } from './store-url.js';

/** How long the shared store may take, in milliseconds. */
export interface PgTimeouts {
  /** Opening a connection, login included. */
  connectMs: number;
  /** One statement on the server, waiting for locks included (`statement_timeout`). */
  statementMs: number;
  /** Waiting for a row lock, such as the namespace's (`lock_timeout`). */
  lockMs: number;
  /**
   * A session left idle inside a transaction (a client stopped or stuck mid-acquire) is ended by
   * the server after this long, so the namespace lock it holds cannot wedge everyone else.
   */
  idleInTransactionMs: number;
  /** How long an operation keeps retrying after its connection was lost. */
  retryWindowMs: number;
}

/** Defaults sized for a git hook: a dead server costs the commit about two seconds. */
export const defaultTimeouts: PgTimeouts = {
  connectMs: 2000,
  statementMs: 5000,
  lockMs: 4000,
  idleInTransactionMs: 2000,
  retryWindowMs: 5000,
};

export type PgClient = pg.PoolClient;

// SQLSTATEs that mean the session is gone (admin_shutdown, crash_shutdown, cannot_connect_now)
// or the connection failed (class 08).
const lostStates = new Set(['57P01', '57P02', '57P03']);
const lostErrnos = new Set(['ECONNRESET', 'EPIPE']);
const lostMessages = /Connection terminated unexpectedly|not queryable/i;
// SQLSTATE classes that are the server's condition: resources, operator action, system, config.
const serverFaultClasses = /^(53|54|57|58|F0|XX)/;
// What a restarting server answers: retried only after a connection was lost mid-operation.
const restartingErrnos = new Set(['ECONNREFUSED']);

/**
 * The connections of one store to its server: a small pool (so a lost connection is replaced on
 * the next use), session timeouts set at login, and faults turned into clear errors (exit 3)
 * that never show the password.
 */
export class PgConnection {
  private readonly pool: pg.Pool;

  constructor(
    private readonly url: StoreUrl,
    private readonly timeouts: PgTimeouts,
    applicationName: string,
  ) {
    this.pool = new pg.Pool({
      connectionString: url.connectionString,
      application_name: applicationName,
      connectionTimeoutMillis: timeouts.connectMs,
      statement_timeout: timeouts.statementMs,
      lock_timeout: timeouts.lockMs,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
      // The server's statement timeout cannot fire when the server itself is gone or frozen.
      query_timeout: timeouts.statementMs + timeouts.connectMs,
      max: 2,
      allowExitOnIdle: true,
    });
    // An idle connection whose server went away: the pool drops it and the next use reconnects.
    this.pool.on('error', () => undefined);
    // A session ended between two statements is reported to its client as an 'error' event; the
    // next statement fails anyway (and is retried), so the event needs only a listener, and one
    // for the client's whole life: the server's FATAL can arrive in the same read as the end of
    // the login, before the code that asked for the connection has run.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /**
   * Run `work` on one connection, retrying it from the start while the connection is lost (the
   * server restarted, the session was terminated) within the retry window. `work` must therefore
   * be safe to repeat: each attempt learns from the attempt number whether an earlier one may
   * have taken effect. Every other fault becomes an EnvironmentError.
   */
  async run<T>(work: (client: PgClient, attempt: number) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeouts.retryWindowMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once((client) => work(client, attempt));
      } catch (error) {
        const retry =
          (isConnectionLoss(error) || (attempt > 1 && isRestarting(error))) &&
          Date.now() < deadline;
        if (!retry) throw this.fault(error);
        await sleep(Math.min(50 * 2 ** attempt, 500));
      }
    }
  }

  /** Run `work` inside one transaction: COMMIT when it returns, ROLLBACK when it throws. */
  static async transaction<T>(client: PgClient, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await client.query('COMMIT');
    return result;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async once<T>(work: (client: PgClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      // Released with an error, the client is ended and never reused.
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  /** Turn a driver or server fault into an error written for the user; ours pass unchanged. */
  fault(error: unknown): unknown {
    if (error instanceof ScopeguardError) return error;
    const { code, message } = describeFault(error);
    const where = `the shared lock store ${this.url.display}`;
    const detail = this.scrub(message);
    const because = (text: string, fix: string, id: string) =>
      new EnvironmentError(`${where}: ${text} (${detail}). ${fix}`, id);
    if (code === '28000' || code === '28P01')
      return because(
        'the server refused the login',
        'Check the user and password in the store URL (or PGPASSWORD, ~/.pgpass).',
        'store-login-refused',
      );
    if (code === '3D000')
      return because(
        'the database does not exist',
        'Create it, or fix the database named in the store URL.',
        'store-database-missing',
      );
    if (code === '42501')
      return because(
        'permission denied',
        'The role needs CREATE on the database to create the schema on first use (or run ' +
          '`scopeguard store migrate` once as a role that may) and read and write on its tables.',
        'store-permission-denied',
      );
    if (code === '57014' || code === '55P03' || /timeout/i.test(message))
      return because(
        'the server did not answer in time',
        'It may be overloaded or unreachable; try again, or raise the store timeouts.',
        'store-timeout',
      );
    if (code !== undefined && serverFaultClasses.test(code) && !lostStates.has(code))
      return because(
        'the server is in trouble',
        'Ask its administrator, or try again later.',
        'store-server-fault',
      );
    // Any other SQLSTATE (a syntax error, a broken constraint) is a bug of ours: exit 4.
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return error;
    if (code !== undefined || isConnectionLoss(error) || /connect|socket/i.test(message))
      return because(
        'cannot reach the server',
        'Check that it runs and accepts connections there, or fix the store URL.',
        'store-unreachable',
      );
    return error;
  }

  private scrub(text: string): string {
    const { password } = this.url;
    if (!password) return text;
    return text.replaceAll(password, '***').replaceAll(encodeURIComponent(password), '***');
  }
}

function describeFault(error: unknown): { code: string | undefined; message: string } {
  if (!(error instanceof Error)) return { code: undefined, message: String(error) };
  const code = (error as { code?: unknown }).code;
  // Node reports a refused connection to every address of a name as an AggregateError.
  const inner: unknown = error instanceof AggregateError ? error.errors[0] : undefined;
  const message = error.message || (inner instanceof Error ? inner.message : '') || error.name;
  return { code: typeof code === 'string' ? code : undefined, message };
}

/** True when the connection broke under an operation, so that repeating it may succeed. */
export function isConnectionLoss(error: unknown): boolean {
  const { code, message } = describeFault(error);
  if (code !== undefined && (lostStates.has(code) || code.startsWith('08'))) return true;
  if (code !== undefined && lostErrnos.has(code)) return true;
  return code === undefined && lostMessages.test(message);
}

function isRestarting(error: unknown): boolean {
  const { code } = describeFault(error);
  return code !== undefined && restartingErrnos.has(code);
}
