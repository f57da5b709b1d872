import type { LoadedConfig } from '../config/load-config.js';

/** The environment variable that names the shared store, like `--store`. */
export const storeEnv = 'SCOPEGUARD_STORE';
/** The environment variable that names the namespace, like `--namespace`. */
export const namespaceEnv = 'SCOPEGUARD_NAMESPACE';

/** Where the shared store was chosen, in `openStore`'s terms (the repository folder aside). */
export interface SharedStoreChoice {
  url: string;
  urlSource: string;
  namespace?: string;
}

/**
 * Decide whether a shared store is configured, and which: `--store`, then `SCOPEGUARD_STORE`,
 * then `"store"` in the config file; the namespace likewise from `--namespace`,
 * `SCOPEGUARD_NAMESPACE` and `"namespace"`, each setting on its own. Undefined: the directory
 * store alone. The URL is checked later, by `openStore`, which names `urlSource` when it is bad.
 */
export function chooseSharedStore(options: {
  flags: { store?: string; namespace?: string };
  env: NodeJS.ProcessEnv;
  config?: { store?: string; namespace?: string; file?: string };
}): SharedStoreChoice | undefined {
  const { flags, env, config } = options;
  const inConfig = `"store" in ${config?.file ?? 'the config file'}`;
  const chosen =
    pick(flags.store, '--store') ?? pick(env[storeEnv], storeEnv) ?? pick(config?.store, inConfig);
  if (!chosen) return undefined;
  const namespace = flags.namespace || env[namespaceEnv] || config?.namespace || undefined;
  return { url: chosen.value, urlSource: chosen.source, ...(namespace ? { namespace } : {}) };
}

function pick(value: string | undefined, source: string) {
  return value ? { value, source } : undefined;
}

/** The shared store chosen by the flags, the environment and the project's configuration file. */
export function chooseProjectSharedStore(
  flags: { store?: string; namespace?: string },
  env: NodeJS.ProcessEnv,
  { config, file }: LoadedConfig,
): SharedStoreChoice | undefined {
  return chooseSharedStore({
    flags,
    env,
    config: { store: config.store, namespace: config.namespace, file },
  });
}
