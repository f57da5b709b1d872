import { UsageError } from '../errors.js';

/** A parsed `postgres://` URL naming the shared lock store. */
export interface StoreUrl {
  /** The URL as given, password included: only ever handed to the driver. */
  connectionString: string;
  /** The URL with any password replaced by `***`: the only form that appears in messages. */
  display: string;
  /** The password as given, so that it can be scrubbed from the driver's messages. */
  password?: string;
}

const schemes = new Set(['postgres:', 'postgresql:']);

/**
 * Parse the URL of a shared store (`postgres://user@host:5432/db`). `source` names where it was
 * set (`--store`, `SCOPEGUARD_STORE`, a config file's `"store"`), so a bad URL is an error (exit 2)
 * that says which setting to fix; the password never appears in it.
 */
export function parseStoreUrl(text: string, source: string): StoreUrl {
  const display = maskUrl(text);
  const fail = (problem: string): never => {
    throw new UsageError(
      `${source}: ${JSON.stringify(display)} is not a usable store URL: ${problem}. ` +
        'Write it as postgres://USER@HOST:PORT/DATABASE.',
      'bad-store-url',
    );
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('it does not parse as a URL');
  }
  if (!schemes.has(url.protocol)) fail(`the scheme is "${url.protocol}", not postgres:`);
  if (url.hostname === '') fail('it names no server host');
  if (url.pathname.replace(/^\//, '') === '') fail('it names no database');
  const password = url.password === '' ? url.searchParams.get('password') : url.password;
  return {
    connectionString: text,
    display,
    ...(password ? { password: safeDecode(password) } : {}),
  };
}

/**
 * Replace the password in a URL-shaped text (in the user part or a `password=` parameter) with
 * `***`. Works on text that does not parse, so even the message about a malformed URL is safe.
 */
export function maskUrl(text: string): string {
  const masked = text.replace(/password=[^&#]*/gi, 'password=***');
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(masked);
  if (!match) return masked;
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  if (at === -1) return masked;
  const userInfo = authority.slice(0, at);
  const colon = userInfo.indexOf(':');
  if (colon === -1) return masked;
  return `${scheme}${userInfo.slice(0, colon)}:***${authority.slice(at)}${rest}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
