import { answer, matcherGroups, stringAt, PayloadError, type AgentHook } from './agent-hook.js';
import { applyPatchPaths } from './apply-patch-paths.js';
import { claudeEditTools, preToolUseDeny } from './claude-code.js';

/**
 * Codex CLI's `PreToolUse` hook: `apply_patch` carries the patch in `tool_input.command`, and
 * every file it adds, updates, deletes or moves (both sides) counts, relative to `cwd`. Codex
 * reads Claude Code's answer format.
 */
export const codexCli: AgentHook = {
  id: 'codex',
  title: 'Codex CLI',
  docs: 'https://developers.openai.com/codex/hooks',
  recognizes: (call) => call.event === 'PreToolUse' && !claudeEditTools.has(call.tool),
  editedPaths(call) {
    if (call.tool !== 'apply_patch') return undefined;
    const patch = stringAt(call.input, 'command');
    if (patch === undefined) throw new PayloadError('apply_patch call without tool_input.command');
    const paths = applyPatchPaths(patch);
    if (paths.length === 0) throw new PayloadError('apply_patch call whose patch names no file');
    return paths;
  },
  base: (call) => stringAt(call.payload, 'cwd'),
  allow: answer(),
  deny: preToolUseDeny,
  registration: {
    file: '.codex/hooks.json',
    event: 'PreToolUse',
    matcher: 'apply_patch',
    entry: (command) => matcherGroups.entry('apply_patch', command),
    commands: matcherGroups.commands,
    without: matcherGroups.without,
    setupNote: 'Codex runs a new hook only once you trust it: review it with /hooks in Codex',
  },
};
