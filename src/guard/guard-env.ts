/** Environment variables the guard reads. */
export const guardEnv = {
  mode: 'SCOPEGUARD_MODE',
  strict: 'SCOPEGUARD_STRICT',
  /** Loop name or lock instance whose locks count as the committer's own. */
  as: 'SCOPEGUARD_AS',
  /** Set to 1 (or true, yes, on) to let one commit through without checking. */
  skip: 'SCOPEGUARD_SKIP',
} as const;
