import { ScopeguardError } from '../../src/errors.js';

/** The ScopeguardError `promise` rejects with; anything else (or no rejection) fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<ScopeguardError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ScopeguardError))
    throw new Error(`expected a ScopeguardError: ${String(error)}`);
  return error;
}
