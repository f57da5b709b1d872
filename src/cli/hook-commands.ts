import type { Io } from './io.js';

export type Command = (argv: readonly string[], io: Io) => Promise<number>;

/**
 * The commands that run on every commit (`pre-commit`, `commit-msg`) and before every agent edit
 * (`agent-hook`): each loads only its own module, not the argument parser the other commands use.
 */
const hookCommands: Readonly<Record<string, () => Promise<Command>>> = {
  'pre-commit': async () => (await import('./pre-commit-command.js')).preCommit,
  'commit-msg': async () => (await import('./commit-msg-command.js')).commitMsg,
  'agent-hook': async () => (await import('./agent-hook-command.js')).agentHook,
};

/**
 * The hook command `argv` (without the node and script names) names, which runs without the
 * argument parser; undefined for the rest. It is called with the words after the command name.
 */
export function hookCommand(argv: readonly string[]): (() => Promise<Command>) | undefined {
  const name = argv[0];
  return name !== undefined && Object.hasOwn(hookCommands, name) ? hookCommands[name] : undefined;
}
