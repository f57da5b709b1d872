import {
  answer,
  matcherGroups,
  requirePath,
  stringAt,
  type AgentHook,
  type HookAnswer,
  type ToolCall,
} from './agent-hook.js';

const matcher = 'Write|Edit|MultiEdit|NotebookEdit';
/** The tools Claude Code edits files with; Codex never names a tool call after them. */
export const claudeEditTools = new Set(matcher.split('|'));

/** The answer Claude Code and Codex both read: a `PreToolUse` permission decision. */
export function preToolUseDeny(reason: string): HookAnswer {
  return answer({
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: reason,
    },
  });
}

/**
 * Claude Code's `PreToolUse` hook: `Write`, `Edit` and `MultiEdit` name their file in
 * `tool_input.file_path`, `NotebookEdit` in `tool_input.notebook_path`, relative paths against the
 * payload's `cwd`. A refusal is the documented JSON decision on stdout with exit 0 (JSON is read
 * only on exit 0; exit 2 would drop it).
 */
export const claudeCode: AgentHook = {
  id: 'claude',
  title: 'Claude Code',
  docs: 'https://docs.anthropic.com/en/docs/claude-code/hooks',
  // Codex sends the same event; its patch tool and its `turn_id` tell it apart.
  recognizes: (call: ToolCall) =>
    call.event === 'PreToolUse' && call.tool !== 'apply_patch' && !('turn_id' in call.payload),
  editedPaths(call) {
    if (!claudeEditTools.has(call.tool)) return undefined;
    return [requirePath(call, call.tool === 'NotebookEdit' ? ['notebook_path'] : ['file_path'])];
  },
  base: (call) => stringAt(call.payload, 'cwd'),
  allow: answer(),
  deny: preToolUseDeny,
  registration: {
    file: '.claude/settings.json',
    localFile: '.claude/settings.local.json',
    event: 'PreToolUse',
    matcher,
    entry: (command) => matcherGroups.entry(matcher, command),
    commands: matcherGroups.commands,
    without: matcherGroups.without,
  },
};
