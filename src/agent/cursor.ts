import { answer, requirePath, stringAt, type AgentHook, type ToolCall } from './agent-hook.js';

const matcher = 'Write|Edit|StrReplace|MultiEdit|Delete|EditNotebook';
const editTools = new Set(matcher.split('|'));
// Cursor's file tools have named their file argument differently across versions.
const pathKeys = ['file_path', 'path', 'target_file', 'notebook_path', 'target_notebook'];

/**
 * Cursor's `preToolUse` hook: its file-writing tools name the file in `tool_input`, relative
 * paths against `cwd` or else the first of `workspace_roots`. Cursor reads a `permission` on
 * stdout for every call (no answer counts as a failure), so allowing prints one too.
 */
export const cursor: AgentHook = {
  id: 'cursor',
  title: 'Cursor',
  docs: 'https://cursor.com/docs/agent/hooks',
  recognizes: (call) => call.event === 'preToolUse',
  editedPaths: (call) => (editTools.has(call.tool) ? [requirePath(call, pathKeys)] : undefined),
  base: (call: ToolCall) => stringAt(call.payload, 'cwd') ?? firstWorkspaceRoot(call),
  allow: answer({ permission: 'allow' }),
  deny: (reason, summary) =>
    answer({ permission: 'deny', user_message: summary, agent_message: reason }),
  registration: {
    file: '.cursor/hooks.json',
    event: 'preToolUse',
    matcher,
    entry: (command) => ({ command, matcher }),
    commands: (entry) => {
      const command = (entry as { command?: unknown } | null)?.command;
      return typeof command === 'string' ? [command] : [];
    },
    // An entry is one command: without it, nothing is left.
    without: (entry, drop) => (cursor.registration.commands(entry).some(drop) ? undefined : entry),
    newFileKeys: { version: 1 },
  },
};

function firstWorkspaceRoot(call: ToolCall): string | undefined {
  const roots = call.payload.workspace_roots;
  return Array.isArray(roots) && typeof roots[0] === 'string' ? roots[0] : undefined;
}
