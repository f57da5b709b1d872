/** The built-in modules loaded through `builtin`. */
interface LazyBuiltins {
  'node:child_process': typeof import('node:child_process');
  'node:crypto': typeof import('node:crypto');
  'node:os': typeof import('node:os');
  'node:timers/promises': typeof import('node:timers/promises');
}

/**
 * A Node built-in module, loaded when first called for rather than imported. The CLI is one
 * bundled file whose imports all run at start-up, so an import of `child_process`, `crypto`, `os`
 * or `timers/promises` anywhere would load it (and with it Node's networking and stream code) on
 * every commit, though the hook's usual run needs none of them.
 */
export function builtin<ID extends keyof LazyBuiltins>(id: ID): LazyBuiltins[ID] {
  return process.getBuiltinModule(id);
}
