/** Variables `scopeguard run` sets for the wrapped command, telling it which lock it runs under. */
export const lockEnv = {
  instance: 'SCOPEGUARD_LOCK_INSTANCE',
  name: 'SCOPEGUARD_LOCK_NAME',
  file: 'SCOPEGUARD_LOCK_FILE',
  /** With a shared store: the lease's fencing token, strictly increasing per namespace. */
  fencingToken: 'SCOPEGUARD_FENCING_TOKEN',
} as const;
