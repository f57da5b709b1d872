import path from 'node:path';
import { UsageError } from '../errors.js';
import { runGit } from '../git/run-git.js';

/** The settings that name a namespace, for messages. */
export const namespaceSettings = '--namespace, SCOPEGUARD_NAMESPACE or "namespace" in the config';

const maxNamespaceLength = 512;

/**
 * The namespace a repository's locks live in on a shared server: the explicit setting when there
 * is one, else the normalised URL of the `origin` remote, so every clone on every machine (and the
 * CI runner) agrees. Neither: a usage error (exit 2) naming the settings.
 */
export async function resolveNamespace(options: {
  explicit?: string;
  /** Any folder inside the repository. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
}): Promise<string> {
  if (options.explicit !== undefined) return checkNamespace(options.explicit);
  const result = await runGit(['config', '--get', 'remote.origin.url'], options.cwd, options.env);
  const remote = result.exitCode === 0 ? result.stdout.trim() : '';
  const normalised = remote === '' ? '' : normaliseRemoteUrl(remote, options.cwd);
  if (normalised === '') {
    throw new UsageError(
      'cannot tell which namespace of the shared store this repository uses: it has no "origin" ' +
        `remote. Set one with ${namespaceSettings} (the same on every clone), or add the remote.`,
      'no-namespace',
    );
  }
  return checkNamespace(normalised);
}

/**
 * A remote URL in the form every clone agrees on: scheme, credentials, port and a trailing `.git`
 * or `/` dropped, the host lower-cased. `https://u:p@GitHub.com/o/r.git`, `ssh://git@github.com:22/o/r`
 * and `git@github.com:o/r.git` all become `github.com/o/r`. A local path stays a path, made
 * absolute against `cwd`.
 */
export function normaliseRemoteUrl(remote: string, cwd: string): string {
  const trimmed = remote.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? parseUrl(trimmed) : undefined;
  if (url?.protocol === 'file:') return stripSuffixes(decodeURIComponent(url.pathname));
  if (url) return joinHostPath(url.hostname, decodeURIComponent(url.pathname));
  // scp-like syntax: [user@]host:path, where the colon comes before any slash.
  const scp = /^(?:[^@/]+@)?([^:/]+):(.*)$/.exec(trimmed);
  if (scp && !/^[a-z]:[\\/]/i.test(trimmed)) return joinHostPath(scp[1]!, scp[2]!);
  return stripSuffixes(path.resolve(cwd, trimmed));
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function joinHostPath(host: string, repoPath: string): string {
  const rest = stripSuffixes(repoPath.replace(/^\/+/, ''));
  return rest === '' ? host.toLowerCase() : `${host.toLowerCase()}/${rest}`;
}

function stripSuffixes(repoPath: string): string {
  return repoPath.replace(/\/+$/, '').replace(/\.git$/, '');
}

function checkNamespace(namespace: string): string {
  const problem =
    namespace.trim() === ''
      ? 'it is empty'
      : namespace.length > maxNamespaceLength
        ? `it is longer than ${maxNamespaceLength} characters`
        : // eslint-disable-next-line no-control-regex
          /[\u0000-\u001f\u007f]/.test(namespace)
          ? 'it contains a control character'
          : undefined;
  if (problem === undefined) return namespace;
  throw new UsageError(
    `invalid namespace ${JSON.stringify(namespace)}: ${problem}. Fix ${namespaceSettings}.`,
    'invalid-namespace',
  );
}
