/**
 * Hook payloads shaped the way each agent sends them (every documented field, not only the ones
 * scopeguard reads), for tests that feed the hook what a real agent would.
 */
export const agentPayload = {
  claude: (cwd: string, tool: string, input: Record<string, unknown>) => ({
    session_id: 'abc123',
    transcript_path: '/home/user/.claude/projects/demo/abc123.jsonl',
    cwd,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
    tool_use_id: 'toolu_01ABC',
  }),
  codex: (cwd: string, patch: string) => ({
    session_id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    turn_id: 'turn-1',
    transcript_path: null,
    cwd,
    hook_event_name: 'PreToolUse',
    model: 'gpt-5-codex',
    permission_mode: 'default',
    tool_name: 'apply_patch',
    tool_input: { command: patch },
    tool_use_id: 'call_abc123',
  }),
  gemini: (cwd: string, tool: string, input: Record<string, unknown>) => ({
    session_id: 'gem-1',
    transcript_path: '/home/user/.gemini/tmp/chats/session.json',
    cwd,
    hook_event_name: 'BeforeTool',
    timestamp: '2026-11-28T10:00:00.000Z',
    tool_name: tool,
    tool_input: input,
  }),
  cursor: (workspaceRoot: string, tool: string, input: Record<string, unknown>) => ({
    conversation_id: 'conv-123',
    generation_id: 'gen-456',
    model: 'claude-sonnet-4',
    hook_event_name: 'preToolUse',
    cursor_version: '2.1.0',
    workspace_roots: [workspaceRoot],
    user_email: 'user@example.com',
    transcript_path: null,
    tool_name: tool,
    tool_input: input,
    tool_use_id: 'tool-789',
    cwd: workspaceRoot,
    agent_message: 'Editing the file.',
  }),
};

/** A Codex patch from its header lines and hunks. */
export function codexPatch(...lines: string[]): string {
  return ['*** Begin Patch', ...lines, '*** End Patch', ''].join('\n');
}
