import { answer, matcherGroups, requirePath, stringAt, type AgentHook } from './agent-hook.js';

const matcher = 'write_file|replace';
const editTools = new Set(matcher.split('|'));

/**
 * Gemini CLI's `BeforeTool` hook: `write_file` and `replace` name their file in
 * `tool_input.file_path`, relative paths against `cwd`. A refusal is `{"decision": "deny"}` with
 * the reason for the model, on stdout with exit 0 (the documented preferred form).
 */
export const geminiCli: AgentHook = {
  id: 'gemini',
  title: 'Gemini CLI',
  docs: 'https://geminicli.com/docs/hooks/reference',
  recognizes: (call) => call.event === 'BeforeTool',
  editedPaths: (call) =>
    editTools.has(call.tool) ? [requirePath(call, ['file_path'])] : undefined,
  base: (call) => stringAt(call.payload, 'cwd'),
  allow: answer(),
  deny: (reason) => answer({ decision: 'deny', reason }),
  registration: {
    file: '.gemini/settings.json',
    event: 'BeforeTool',
    matcher,
    entry: (command) => matcherGroups.entry(matcher, command, { name: 'scopeguard' }),
    commands: matcherGroups.commands,
    without: matcherGroups.without,
  },
};
