import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/agent/agent-hook.js';
import { agentForCall, agents, readToolCall } from '../../src/agent/agents.js';
import { agentPayload, codexPatch } from '../support/agent-payloads.js';

const call = (payload: unknown) => readToolCall(payload);

describe('the files an agent tool call writes', () => {
  it.each([
    {
      agent: 'claude',
      payload: agentPayload.claude('/w', 'Write', { file_path: '/w/a.ts', content: 'x' }),
      paths: ['/w/a.ts'],
    },
    {
      agent: 'claude',
      payload: agentPayload.claude('/w', 'Edit', {
        file_path: 'a.ts',
        old_string: 'a',
        new_string: 'b',
      }),
      paths: ['a.ts'],
    },
    {
      agent: 'claude',
      payload: agentPayload.claude('/w', 'MultiEdit', { file_path: 'a.ts', edits: [] }),
      paths: ['a.ts'],
    },
    {
      agent: 'claude',
      payload: agentPayload.claude('/w', 'NotebookEdit', {
        notebook_path: '/w/n.ipynb',
        new_source: 'x',
      }),
      paths: ['/w/n.ipynb'],
    },
    {
      agent: 'claude',
      payload: agentPayload.claude('/w', 'Read', { file_path: '/w/a.ts' }),
      paths: undefined,
    },
    {
      agent: 'claude',
      payload: agentPayload.claude('/w', 'Bash', { command: 'touch a.ts' }),
      paths: undefined,
    },
    {
      agent: 'codex',
      payload: agentPayload.codex(
        '/w',
        codexPatch('*** Add File: b.ts', '+b', '*** Update File: a.ts', '*** Move to: c.ts'),
      ),
      paths: ['b.ts', 'a.ts', 'c.ts'],
    },
    {
      agent: 'gemini',
      payload: agentPayload.gemini('/w', 'write_file', { file_path: 'a.ts', content: 'x' }),
      paths: ['a.ts'],
    },
    {
      agent: 'gemini',
      payload: agentPayload.gemini('/w', 'replace', {
        file_path: '/w/a.ts',
        old_string: 'a',
        new_string: 'b',
      }),
      paths: ['/w/a.ts'],
    },
    {
      agent: 'gemini',
      payload: agentPayload.gemini('/w', 'read_file', { file_path: 'a.ts' }),
      paths: undefined,
    },
    {
      agent: 'cursor',
      payload: agentPayload.cursor('/w', 'Write', { file_path: 'a.ts', contents: 'x' }),
      paths: ['a.ts'],
    },
    {
      agent: 'cursor',
      payload: agentPayload.cursor('/w', 'StrReplace', {
        path: 'a.ts',
        old_string: 'a',
        new_string: 'b',
      }),
      paths: ['a.ts'],
    },
    {
      agent: 'cursor',
      payload: agentPayload.cursor('/w', 'Delete', { target_file: 'a.ts' }),
      paths: ['a.ts'],
    },
    {
      agent: 'cursor',
      payload: agentPayload.cursor('/w', 'Shell', { command: 'ls' }),
      paths: undefined,
    },
  ] as const)('$agent $payload.tool_name', ({ agent, payload, paths }) => {
    const parsed = call(payload);
    expect(agentForCall(parsed, agents[agent])).toBe(agents[agent]);
    expect(agents[agent].editedPaths(parsed)).toEqual(paths);
  });

  it('takes the base from cwd, and from the first workspace root for Cursor without cwd', () => {
    expect(agents.claude.base(call(agentPayload.claude('/w', 'Write', {})))).toBe('/w');
    const withoutCwd: Record<string, unknown> = agentPayload.cursor('/root', 'Write', {});
    delete withoutCwd.cwd;
    expect(agents.cursor.base(call(withoutCwd))).toBe('/root');
  });

  it('refuses an editing call that names no file', () => {
    expect(() =>
      agents.claude.editedPaths(call(agentPayload.claude('/w', 'Edit', { old_string: 'a' }))),
    ).toThrow(PayloadError);
    expect(() => agents.codex.editedPaths(call(agentPayload.codex('/w', 'no patch here')))).toThrow(
      PayloadError,
    );
  });
});

describe('which agent a payload comes from', () => {
  it.each([
    {
      asked: 'claude',
      payload: agentPayload.codex('/w', codexPatch('*** Add File: a')),
      answers: 'codex',
    },
    { asked: 'claude', payload: agentPayload.gemini('/w', 'write_file', {}), answers: 'gemini' },
    { asked: 'claude', payload: agentPayload.cursor('/w', 'Write', {}), answers: 'cursor' },
    { asked: 'codex', payload: agentPayload.claude('/w', 'Write', {}), answers: 'claude' },
    { asked: 'codex', payload: agentPayload.claude('/w', 'Bash', {}), answers: 'codex' },
    { asked: 'gemini', payload: agentPayload.claude('/w', 'Edit', {}), answers: 'claude' },
  ] as const)(
    'asked for $asked, a $answers payload is answered as $answers',
    ({ asked, payload, answers }) => {
      expect(agentForCall(call(payload), agents[asked])?.id).toBe(answers);
    },
  );

  it('finds no agent for an event that is not a pre-tool event', () => {
    const payload = { ...agentPayload.claude('/w', 'Write', {}), hook_event_name: 'PostToolUse' };
    expect(agentForCall(call(payload), agents.claude)).toBeUndefined();
  });

  it.each([
    ['an array', []],
    ['no event', { tool_name: 'Write' }],
    ['no tool', { hook_event_name: 'PreToolUse' }],
    ['a string tool_input', { hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: 'x' }],
  ])('refuses a payload with %s', (_name, payload) => {
    expect(() => readToolCall(payload)).toThrow(PayloadError);
  });
});

describe("each agent's answers", () => {
  it('refuses in the form the agent documents, with the reason for the model', () => {
    expect(JSON.parse(agents.claude.deny('why', 'short').stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'why',
      },
    });
    expect(agents.codex.deny('why', 'short')).toEqual(agents.claude.deny('why', 'short'));
    expect(JSON.parse(agents.gemini.deny('why', 'short').stdout)).toEqual({
      decision: 'deny',
      reason: 'why',
    });
    expect(JSON.parse(agents.cursor.deny('why', 'short').stdout)).toEqual({
      permission: 'deny',
      user_message: 'short',
      agent_message: 'why',
    });
    for (const agent of Object.values(agents)) expect(agent.deny('why', 'short').exitCode).toBe(0);
  });

  it('allows silently, except Cursor, which wants a permission on every call', () => {
    expect(agents.claude.allow).toEqual({ stdout: '', exitCode: 0 });
    expect(agents.gemini.allow).toEqual({ stdout: '', exitCode: 0 });
    expect(JSON.parse(agents.cursor.allow.stdout)).toEqual({ permission: 'allow' });
  });
});
