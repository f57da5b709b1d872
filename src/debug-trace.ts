import { printable } from './report/printable.js';
import type { Tracer } from './trace.js';

/** Arguments and results are cut to this many characters: a trace line stays one readable line. */
const maxShown = 200;

/**
 * A tracer writing `scopeguard:debug` lines, modelled on lint-staged's debug log: what ran, with
 * what, how it ended and how long it took (milliseconds since start-up, and the call's own time).
 */
export function createTracer(write: (text: string) => void): Tracer {
  const line = (text: string) =>
    write(`scopeguard:debug +${Math.round(performance.now())}ms ${printable(text)}\n`);
  /** Write the call, run it, and write how it ended: at once, or when its promise settles. */
  const traced = <Result>(
    describe: string,
    call: () => Result,
    outcome: (result: Awaited<Result>) => string,
  ): Result => {
    line(describe);
    const started = performance.now();
    const ended = (how: string) =>
      line(`${describe} -> ${how} (${(performance.now() - started).toFixed(1)} ms)`);
    const threw = (error: unknown) => {
      ended(`threw ${errorSummary(error)}`);
      throw error;
    };
    let result: Result;
    try {
      result = call();
    } catch (error) {
      return threw(error);
    }
    if (!(result instanceof Promise)) {
      ended(outcome(result as Awaited<Result>));
      return result;
    }
    return result.then((settled: Awaited<Result>) => {
      ended(outcome(settled));
      return settled;
    }, threw) as Result;
  };
  return {
    note: line,
    git: (args, cwd, run) =>
      traced(`git ${args.join(' ')} (in ${cwd})`, run, (result) => `exit ${result.exitCode}`),
    store: (store, name) =>
      new Proxy(store, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver);
          if (typeof value !== 'function' || typeof key !== 'string') return value;
          return (...args: unknown[]): unknown =>
            traced(
              `store ${name}.${key}(${shorten(argumentsSummary(args))})`,
              (): unknown => Reflect.apply(value, target, args),
              (result) => shorten(resultSummary(result)),
            );
        },
      }),
  };
}

/** The arguments as the call was written: an optional one passed as undefined is not shown. */
function argumentsSummary(args: readonly unknown[]): string {
  let shown = args.length;
  while (shown > 0 && args[shown - 1] === undefined) shown--;
  return args.slice(0, shown).map(argumentSummary).join(', ');
}

function argumentSummary(value: unknown): string {
  if (typeof value === 'function') return 'fn';
  try {
    return (
      JSON.stringify(value, (_key, inner: unknown) =>
        typeof inner === 'function' ? 'fn' : inner,
      ) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

/** What a store call returned, in brief: counts for lists, the status of an outcome. */
function resultSummary(result: unknown): string {
  if (result === undefined) return 'done';
  if (typeof result !== 'object' || result === null) return argumentSummary(result);
  const fields = Object.entries(result).map(([key, value]) =>
    Array.isArray(value) ? `${key}: ${value.length}` : `${key}: ${argumentSummary(value)}`,
  );
  return `{ ${fields.join(', ')} }`;
}

function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
}

function shorten(text: string): string {
  return text.length <= maxShown ? text : `${text.slice(0, maxShown)}...`;
}
