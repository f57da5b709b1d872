import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/agent/agent-hook.js';
import { agentForCall, agents, readToolCall } from '../../src/agent/agents.js';
import { agentPayload, codexPatch } from '../support/agent-payloads.js';

const call = (payload: unknown) => readToolCall(payload);

type EditCase = [tool: string, input: Record<string, unknown>, paths: string[] | undefined];

/** One agent's calls in the shape it sends them from `/w`, with the files each writes. */
function edits(agent: 'claude' | 'gemini' | 'cursor', cases: EditCase[]) {
  return cases.map(([tool, input, paths]) => ({
    agent,
    payload: agentPayload[agent]('/w', tool, input),
    paths,
  }));
}

describe('the files an agent tool call writes', () => {
  it.each([
    ...edits('claude', [
      ['Write', { file_path: '/w/a.ts', content: 'x' }, ['/w/a.ts']],
      ['Edit', { file_path: 'a.ts', old_string: 'a', new_string: 'b' }, ['a.ts']],
      ['MultiEdit', { file_path: 'a.ts', edits: [] }, ['a.ts']],
      ['NotebookEdit', { notebook_path: '/w/n.ipynb', new_source: 'x' }, ['/w/n.ipynb']],
      ['Read', { file_path: '/w/a.ts' }, undefined],
      ['Bash', { command: 'touch a.ts' }, undefined],
    ]),
    {
      agent: 'codex' as const,
      payload: agentPayload.codex(
        '/w',
        codexPatch('*** Add File: b.ts', '+b', '*** Update File: a.ts', '*** Move to: c.ts'),
      ),
      paths: ['b.ts', 'a.ts', 'c.ts'],
    },
    ...edits('gemini', [
      ['write_file', { file_path: 'a.ts', content: 'x' }, ['a.ts']],
      ['replace', { file_path: '/w/a.ts', old_string: 'a', new_string: 'b' }, ['/w/a.ts']],
      ['read_file', { file_path: 'a.ts' }, undefined],
    ]),
    ...edits('cursor', [
      ['Write', { file_path: 'a.ts', contents: 'x' }, ['a.ts']],
      ['StrReplace', { path: 'a.ts', old_string: 'a', new_string: 'b' }, ['a.ts']],
      ['Delete', { target_file: 'a.ts' }, ['a.ts']],
      ['Shell', { command: 'ls' }, undefined],
    ]),
  ])('$agent $payload.tool_name', ({ agent, payload, paths }) => {
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
