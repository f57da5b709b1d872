/**
 * Exit codes shared by every entry point (README, "Exit codes"; CONTRIBUTING.md).
 */
export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 2,
  environment: 3,
  internal: 4,
  tempFail: 75,
  /** `run`: the shared lease was lost while the command ran, so the command was stopped. */
  leaseLost: 76,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error that `main` renders once: a message written for the user, a stable machine code and the
 * exit code it maps to. Anything thrown that is not a ScopeguardError is an internal bug (exit 4).
 */
export class ScopeguardError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, bad names, bad configuration: exit 2. */
export class UsageError extends ScopeguardError {
  constructor(message: string, code = 'usage') {
    super(message, code, ExitCode.usage);
  }
}

/** A lock record or lock directory that cannot be used: exit 2. */
export class LockRecordError extends ScopeguardError {
  constructor(message: string, code = 'lock-record') {
    super(message, code, ExitCode.usage);
  }
}

/** Git or environment problems (not a repo, bad ref, no flock): exit 3. */
export class EnvironmentError extends ScopeguardError {
  constructor(message: string, code = 'environment') {
    super(message, code, ExitCode.environment);
  }
}
