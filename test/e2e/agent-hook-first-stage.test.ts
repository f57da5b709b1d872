import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentId } from '../../src/agent/agent-hook.js';
import { agentPayload, codexPatch } from '../support/agent-payloads.js';
import { runProcess, type CliResult } from '../support/cli.js';
import { holdLock, writeFiles } from '../support/commit-repo.js';
import { locksInSight } from '../support/locks-in-sight.js';
import { packageCopy } from '../support/package-copy.js';
import { git, isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

// The agent hook's first stage (dist/agent-hook-first-stage.cjs) reads the payload and answers an edit
// itself when no lock is in sight, before the hook bundle loads; at any doubt it hands the
// payload it read over to the hook bundle. Here the hook bundle of a copy of the package is
// replaced by one that only prints what it was handed, so each case shows which of the two
// answered, and with what.
function packageWithMarkedHook(): string {
  const { bin, dist } = packageCopy();
  writeFileSync(
    path.join(dist, 'hook.cjs'),
    'exports.runHookCommand = async (argv, payload) => {\n' +
      '  process.stdout.write(JSON.stringify({ fullHook: argv, payload }));\n' +
      '};\n',
  );
  return bin;
}

/** A copy of the package without its first stage: the hook as it answered before it had one. */
function packageWithoutFirstStage(): string {
  const { bin, dist } = packageCopy();
  rmSync(path.join(dist, 'agent-hook-first-stage.cjs'));
  return bin;
}

/** A repository with one commit. */
function repository(): string {
  const root = makeTempRepo();
  writeFiles(root, { 'src/a.ts': 'a\n', 'docs/readme.md': 'r\n' });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'baseline');
  return root;
}

async function runHook(
  bin: string,
  payload: unknown,
  options: { cwd: string; args?: string[]; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const input = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return runProcess(process.execPath, [bin, 'agent-hook', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: isolatedEnv(options.env),
    input,
  });
}

/** An edit of `src/a.ts` in the repository `root`, in each agent's payload form. */
const edits: { agent: AgentId; payload: (root: string) => Record<string, unknown> }[] = [
  {
    agent: 'claude',
    payload: (root) =>
      agentPayload.claude(root, 'Edit', {
        file_path: path.join(root, 'src/a.ts'),
        old_string: 'a',
        new_string: 'b',
      }),
  },
  {
    agent: 'codex',
    payload: (root) =>
      agentPayload.codex(root, codexPatch('*** Update File: src/a.ts', '@@', '-a', '+b')),
  },
  {
    agent: 'gemini',
    payload: (root) =>
      agentPayload.gemini(root, 'replace', {
        file_path: 'src/a.ts',
        old_string: 'a',
        new_string: 'b',
      }),
  },
  {
    agent: 'cursor',
    payload: (root) => agentPayload.cursor(root, 'Write', { file_path: 'src/a.ts', contents: 'x' }),
  },
];

const claudeEdit = edits[0]!.payload;

describe("the agent hook's first stage", () => {
  it.each(edits)(
    '$agent: answers an edit where no lock is in sight, as the full hook does',
    async ({ agent, payload }) => {
      const root = repository();
      const args = ['--agent', agent];
      const marked = packageWithMarkedHook();
      const answered = await runHook(marked, payload(root), { cwd: root, args });
      const full = await runHook(packageWithoutFirstStage(), payload(root), { cwd: root, args });
      expect(full.stdout).not.toContain('fullHook');
      expect(answered).toEqual(full);
      expect(answered.code).toBe(0);
      expect(answered.stderr).toBe('');
      // Registered without --agent, the hook answers as Claude Code.
      if (agent === 'claude')
        expect(await runHook(marked, payload(root), { cwd: root })).toEqual(full);
    },
  );

  it('answers a call that edits nothing, without locating the guard', async () => {
    const cwd = makeTempDir();
    const read = agentPayload.claude(cwd, 'Read', { file_path: path.join(cwd, 'a.ts') });
    const result = await runHook(packageWithMarkedHook(), read, { cwd });
    expect(result).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
  });

  it('answers with SCOPEGUARD_SKIP set, which only the pre-commit hook reads', async () => {
    const root = repository();
    const env = { SCOPEGUARD_SKIP: '1' };
    const answered = await runHook(packageWithMarkedHook(), claudeEdit(root), { cwd: root, env });
    expect(answered).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
  });

  const handOverCases: {
    name: string;
    setup?: (root: string) => void;
    env?: NodeJS.ProcessEnv;
    args?: string[];
    payload?: (root: string) => unknown;
    /** Whether the first stage read the payload before handing over. */
    read?: boolean;
    /** Run from the repository rather than from another folder. */
    inRepository?: boolean;
  }[] = [
    {
      name: "a lock directory in the hook's own folder, before the payload is read",
      setup: (root) => mkdirSync(path.join(root, '.loops/.running'), { recursive: true }),
      inRepository: true,
      read: false,
    },
    {
      name: "a lock directory in the payload's folder",
      setup: (root) => mkdirSync(path.join(root, '.loops/.running'), { recursive: true }),
    },
    ...locksInSight,
    { name: 'no repository', payload: () => claudeEdit(makeTempDir()) },
    { name: 'a payload that is not JSON', payload: () => '{"tool_name": ' },
    {
      name: "another agent's payload",
      payload: (root) => agentPayload.gemini(root, 'write_file', { file_path: 'src/a.ts' }),
    },
    {
      name: 'a payload whose cwd is not a folder',
      payload: (root) => claudeEdit(path.join(root, 'src/a.ts')),
    },
    { name: 'an edit without a file', payload: (root) => agentPayload.claude(root, 'Edit', {}) },
    { name: 'the debug trace', env: { SCOPEGUARD_DEBUG: '1' }, read: false },
    { name: 'a guard flag', args: ['--mode', 'warn'], read: false },
    { name: 'an agent flag written with =', args: ['--agent=claude'], read: false },
    { name: 'an unknown agent', args: ['--agent', 'vim'], read: false },
    { name: 'help', args: ['--help'], read: false },
  ];

  it.each(handOverCases)(
    'hands over to the full hook, with the payload it read: $name',
    async ({ name, setup, env, args, payload = claudeEdit, read = true, inRepository }) => {
      const root = repository();
      setup?.(root);
      const sent = payload(root);
      // Run from another folder, so that only the payload says where the agent works.
      const result = await runHook(packageWithMarkedHook(), sent, {
        cwd: inRepository ? root : makeTempDir(),
        args,
        env,
      });
      const handedOver = JSON.parse(result.stdout) as { fullHook: string[]; payload?: unknown };
      expect(handedOver.fullHook, name).toEqual(['agent-hook', ...(args ?? [])]);
      if (!read) expect(handedOver.payload, name).toBeUndefined();
      else if (typeof sent === 'string')
        expect(handedOver.payload).toMatchObject({ kind: 'malformed' });
      else expect(handedOver.payload, name).toEqual({ kind: 'json', value: sent });
    },
  );
});

describe('the agent hook, handed over by its first stage', () => {
  it('answers without waiting for an open pipe to end; a payload that never completes is told as before', async () => {
    const root = repository();
    const open = (bin: string, input: string) =>
      runProcess(process.execPath, [bin, 'agent-hook'], {
        cwd: root,
        env: isolatedEnv(),
        input,
        keepStdinOpen: true,
      });
    const whole = JSON.stringify(claudeEdit(root));
    expect(await open(packageWithMarkedHook(), whole)).toEqual({
      code: 0,
      signal: null,
      stdout: '',
      stderr: '',
    });
    const partial = await open(packageCopy().bin, whole.slice(0, 40));
    expect(partial).toEqual({
      code: 0,
      signal: null,
      stdout: '',
      stderr:
        'scopeguard: agent-hook: unreadable payload: no complete payload within 5000 ms; the call is allowed unchecked\n',
    });
  });

  it('refuses an edit in a scope another loop holds, from the payload it was handed', async () => {
    const root = repository();
    await holdLock(root, 'refactor', ['src']);
    // Run from another folder: the first stage reads the payload and then finds the lock.
    const result = await runHook(packageCopy().bin, claudeEdit(root), { cwd: makeTempDir() });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringContaining('src/a.ts is inside a scope'),
    });
    expect(result.stderr).toBe('');
  });

  it('says what it said before of a payload it cannot read', async () => {
    const root = repository();
    for (const payload of [
      '{"tool_name": ',
      '',
      JSON.stringify(agentPayload.claude(root, 'Edit', {})),
    ]) {
      const now = await runHook(packageCopy().bin, payload, { cwd: root });
      const before = await runHook(packageWithoutFirstStage(), payload, { cwd: root });
      expect(now).toEqual(before);
      expect(now.code).toBe(0);
      expect(now.stderr).toMatch(/^scopeguard: agent-hook: .*; the call is allowed unchecked\n$/);
    }
  });
});
