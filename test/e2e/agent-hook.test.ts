import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentId } from '../../src/agent/agent-hook.js';
import { agentPayload, codexPatch } from '../support/agent-payloads.js';
import { binPath, runCli, runProcess, type CliResult } from '../support/cli.js';
import { holdLock, lockDirSnapshot, writeFiles } from '../support/commit-repo.js';
import { indexState } from '../support/index-untouched.js';
import { git, isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

/** Run the installed hook with a payload, the way the agent does, and check it changed nothing. */
async function runHook(root: string, payload: unknown, args: string[] = []): Promise<CliResult> {
  const index = indexState(root);
  const records = lockDirSnapshot(root);
  const result = await runCli(['agent-hook', ...args], {
    cwd: root,
    input: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  expect(indexState(root)).toBe(index);
  expect(lockDirSnapshot(root)).toEqual(records);
  return result;
}

/** The refusal reason in the agent's own answer format, or undefined when the call is allowed. */
function refusal(agent: AgentId, result: CliResult): string | undefined {
  expect(result.code, result.stderr).toBe(0);
  if (result.stdout === '') return undefined;
  const answer = JSON.parse(result.stdout);
  switch (agent) {
    case 'claude':
    case 'codex':
      expect(answer.hookSpecificOutput).toMatchObject({
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
      });
      return answer.hookSpecificOutput.permissionDecisionReason;
    case 'gemini':
      expect(answer.decision).toBe('deny');
      return answer.reason;
    case 'cursor':
      if (answer.permission === 'allow') return undefined;
      expect(answer.permission).toBe('deny');
      expect(answer.user_message).toContain('held by loop');
      return answer.agent_message;
  }
}

/** A repository with one commit and a live foreign process holding `src/api`. */
async function lockedRepo(): Promise<{ root: string; holder: number }> {
  const root = makeTempRepo();
  writeFiles(root, { 'src/api/a.ts': 'a\n', 'docs/readme.md': 'r\n', 'nb/n.ipynb': '{}\n' });
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'baseline');
  const holder = await holdLock(root, 'refactor', ['src/api']);
  return { root, holder };
}

describe('scopeguard agent-hook: each agent, a live foreign holder', () => {
  it.each([
    {
      agent: 'claude' as const,
      edit: (root: string) =>
        agentPayload.claude(root, 'Edit', {
          file_path: path.join(root, 'src/api/a.ts'),
          old_string: 'a',
          new_string: 'b',
        }),
      outside: (root: string) =>
        agentPayload.claude(root, 'Write', {
          file_path: path.join(root, 'docs/readme.md'),
          content: 'x',
        }),
    },
    {
      agent: 'codex' as const,
      edit: (root: string) =>
        agentPayload.codex(root, codexPatch('*** Update File: src/api/a.ts', '@@', '-a', '+b')),
      outside: (root: string) =>
        agentPayload.codex(root, codexPatch('*** Add File: docs/new.md', '+new')),
    },
    {
      agent: 'gemini' as const,
      edit: (root: string) =>
        agentPayload.gemini(root, 'replace', {
          file_path: path.join(root, 'src/api/a.ts'),
          old_string: 'a',
          new_string: 'b',
        }),
      outside: (root: string) =>
        agentPayload.gemini(root, 'write_file', { file_path: 'docs/readme.md', content: 'x' }),
    },
    {
      agent: 'cursor' as const,
      edit: (root: string) =>
        agentPayload.cursor(root, 'StrReplace', {
          path: path.join(root, 'src/api/a.ts'),
          old_string: 'a',
          new_string: 'b',
        }),
      outside: (root: string) =>
        agentPayload.cursor(root, 'Write', { file_path: 'docs/readme.md', contents: 'x' }),
    },
  ])(
    '$agent: blocks an edit inside the scope, naming the holder; allows one outside',
    async ({ agent, edit, outside }) => {
      const { root, holder } = await lockedRepo();

      const blocked = await runHook(root, edit(root), ['--agent', agent]);
      const reason = refusal(agent, blocked);
      expect(reason).toContain('src/api/a.ts is inside a scope another running loop holds');
      expect(reason).toMatch(
        new RegExp(
          `held by loop "refactor" \\(pid ${holder}, host [^,]+, held \\d+s\\), scope src/api`,
        ),
      );
      expect(reason).toContain('scopeguard locks wait --scope src/api');
      expect(reason).toContain('ask the user');
      expect(blocked.stderr).toBe('');

      const allowed = await runHook(root, outside(root), ['--agent', agent]);
      expect(refusal(agent, allowed)).toBeUndefined();
      expect(allowed.stderr).toBe('');
    },
  );
});

describe('scopeguard agent-hook: what counts as the edited file', () => {
  it('resolves a relative path against the payload cwd, not the process cwd', async () => {
    const { root } = await lockedRepo();
    const relative = agentPayload.claude(path.join(root, 'src'), 'Write', {
      file_path: 'api/b.ts',
      content: 'x',
    });
    // run from elsewhere: only the payload says where the agent works
    const elsewhere = makeTempDir();
    const result = await runCli(['agent-hook'], {
      cwd: elsewhere,
      input: JSON.stringify(relative),
    });
    expect(refusal('claude', result)).toContain('src/api/b.ts is inside a scope');

    const sibling = agentPayload.claude(path.join(root, 'src'), 'Write', {
      file_path: 'apidocs/b.ts',
      content: 'x',
    });
    expect(refusal('claude', await runHook(root, sibling))).toBeUndefined();
  });

  it('checks a notebook path', async () => {
    const { root } = await lockedRepo();
    await holdLock(root, 'notebooks', ['nb']);
    const payload = agentPayload.claude(root, 'NotebookEdit', {
      notebook_path: path.join(root, 'nb/n.ipynb'),
      cell_id: 'c1',
      new_source: 'print(1)',
    });
    expect(refusal('claude', await runHook(root, payload))).toContain(
      'nb/n.ipynb is inside a scope',
    );
  });

  it('blocks a Codex patch that adds a file outside and updates one inside a scope', async () => {
    const { root } = await lockedRepo();
    const patch = codexPatch(
      '*** Add File: docs/new.md',
      '+new',
      '*** Update File: src/api/a.ts',
      '@@',
      '-a',
      '+b',
    );
    const reason = refusal(
      'codex',
      await runHook(root, agentPayload.codex(root, patch), ['--agent', 'codex']),
    );
    expect(reason).toContain('scopeguard blocked this edit: src/api/a.ts is inside');
    expect(reason).not.toContain('docs/new.md');
  });

  it('blocks a Codex patch that moves a file out of a scope, or into one', async () => {
    const { root } = await lockedRepo();
    const out = codexPatch(
      '*** Update File: src/api/a.ts',
      '*** Move to: lib/a.ts',
      '@@',
      '-a',
      '+a',
    );
    const into = codexPatch('*** Update File: docs/readme.md', '*** Move to: src/api/readme.md');
    for (const [patch, inside] of [
      [out, 'src/api/a.ts'],
      [into, 'src/api/readme.md'],
    ]) {
      const result = await runHook(root, agentPayload.codex(root, patch!), ['--agent', 'codex']);
      expect(refusal('codex', result)).toContain(`blocked this edit: ${inside} is inside`);
    }
  });

  it('guards a linked worktree with a lock taken in the main worktree', async () => {
    const { root } = await lockedRepo();
    const linked = path.join(makeTempDir(), 'linked');
    git(root, 'worktree', 'add', '-q', linked);
    const payload = agentPayload.claude(linked, 'Edit', {
      file_path: path.join(linked, 'src/api/a.ts'),
      old_string: 'a',
      new_string: 'b',
    });
    const result = await runCli(['agent-hook'], { cwd: linked, input: JSON.stringify(payload) });
    expect(refusal('claude', result)).toContain('src/api/a.ts is inside a scope');
  });

  it('allows paths outside the repository and calls that do not edit', async () => {
    const { root } = await lockedRepo();
    const outside = agentPayload.claude(root, 'Write', {
      file_path: path.join(makeTempDir(), 'a.ts'),
      content: 'x',
    });
    const bash = agentPayload.claude(root, 'Bash', { command: 'echo > src/api/a.ts' });
    const read = agentPayload.claude(root, 'Read', { file_path: path.join(root, 'src/api/a.ts') });
    for (const payload of [outside, bash, read]) {
      const result = await runHook(root, payload);
      expect(refusal('claude', result)).toBeUndefined();
      expect(result.stderr).toBe('');
    }
  });
});

describe('scopeguard agent-hook: own scopes, modes, no locks', () => {
  it("allows an edit in the caller's own scope when the hook descends from the holder", async () => {
    const root = makeTempRepo();
    const payloadFile = path.join(makeTempDir(), 'payload.json');
    writeFileSync(
      payloadFile,
      JSON.stringify(
        agentPayload.claude(root, 'Write', {
          file_path: path.join(root, 'src/a.ts'),
          content: 'x',
        }),
      ),
    );
    // The shell takes the lock for itself, then runs the hook as its child, as an agent started
    // inside a loop does.
    const node = JSON.stringify(process.execPath);
    const bin = JSON.stringify(binPath);
    const script =
      `${node} ${bin} locks acquire --name mine --scope src --pid $$ >/dev/null && ` +
      `${node} ${bin} agent-hook < ${JSON.stringify(payloadFile)}`;
    const own = await runShell(root, script);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toBe('');

    // the same edit from outside that process tree is refused (the shell's lock died with it)
    expect((await runCli(['locks', 'reap'], { cwd: root })).code).toBe(0);
    await holdLock(root, 'theirs', ['src']);
    const foreign = await runShell(
      root,
      `${node} ${bin} agent-hook < ${JSON.stringify(payloadFile)}`,
    );
    expect(refusal('claude', foreign)).toContain('held by loop "theirs"');
  });

  it('prints the conflict and allows in warn mode; does nothing in off mode', async () => {
    const { root } = await lockedRepo();
    const payload = agentPayload.gemini(root, 'write_file', {
      file_path: 'src/api/a.ts',
      content: 'x',
    });
    const warned = await runHook(root, payload, ['--agent', 'gemini', '--mode', 'warn']);
    expect(refusal('gemini', warned)).toBeUndefined();
    expect(warned.stderr).toContain(
      'scopeguard warning (mode warn, not blocking): src/api/a.ts is inside',
    );
    expect(warned.stderr).toContain('loop "refactor"');
    const off = await runHook(root, payload, ['--agent', 'gemini', '--mode', 'off']);
    expect(refusal('gemini', off)).toBeUndefined();
    expect(off.stderr).toBe('');
  });

  it('allows quietly when no loop holds a lock, without creating a lock directory', async () => {
    const root = makeTempRepo();
    const payload = agentPayload.cursor(root, 'Write', { file_path: 'src/a.ts', contents: 'x' });
    const result = await runHook(root, payload, ['--agent', 'cursor']);
    expect(JSON.parse(result.stdout)).toEqual({ permission: 'allow' });
    expect(result.stderr).toBe('');
    expect(lockDirSnapshot(root)).toEqual({});
  });
});

describe('scopeguard agent-hook: bad input never blocks and never hangs', () => {
  it('allows a malformed payload with one line on stderr', async () => {
    const { root } = await lockedRepo();
    for (const input of ['{"hook_event_name": "PreToolUse", "tool_name"', '[1, 2]', 'garbage']) {
      const result = await runHook(root, input);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^scopeguard: agent-hook: unreadable payload: [^\n]+; the call is allowed unchecked\n$/,
      );
    }
    const noPath = agentPayload.claude(root, 'Edit', { old_string: 'a', new_string: 'b' });
    const result = await runHook(root, noPath);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'scopeguard: agent-hook: unreadable payload: Edit call without tool_input.file_path; the call is allowed unchecked\n',
    );
  });

  it('allows on empty stdin, answering in the asked-for agent format', async () => {
    const { root } = await lockedRepo();
    const result = await runHook(root, '', ['--agent', 'cursor']);
    expect(JSON.parse(result.stdout)).toEqual({ permission: 'allow' });
    expect(result.stderr).toBe(
      'scopeguard: agent-hook: no hook payload (stdin is empty); the call is allowed unchecked\n',
    );
  });

  it('says so when the payload is from another agent than --agent, and answers that agent', async () => {
    const { root } = await lockedRepo();
    const payload = agentPayload.gemini(root, 'write_file', {
      file_path: 'src/api/a.ts',
      content: 'x',
    });
    const result = await runHook(root, payload, ['--agent', 'claude']);
    expect(result.stderr).toBe(
      "scopeguard: agent-hook: this payload has Gemini CLI's shape, not Claude Code's: answering as Gemini CLI (pass --agent gemini)\n",
    );
    expect(JSON.parse(result.stdout).decision).toBe('deny');
  });

  it('does not wait for a terminal on stdin', () => {
    const root = makeTempRepo();
    const output = execFileSync(
      'python3',
      ['-c', withTerminalStdin, process.execPath, binPath, 'agent-hook'],
      {
        cwd: root,
        env: isolatedEnv(),
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(JSON.parse(output)).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'scopeguard: agent-hook: no hook payload (stdin is a terminal); the call is allowed unchecked\n',
    });
  });

  it('answers a whole payload though the pipe stays open, and gives up on one that never ends', async () => {
    const { root } = await lockedRepo();
    const edit = agentPayload.claude(root, 'Write', { file_path: 'src/api/a.ts', content: 'x' });
    const open = await runWithOpenStdin(root, JSON.stringify(edit));
    expect(refusal('claude', open)).toContain('src/api/a.ts is inside');

    const partial = await runWithOpenStdin(root, JSON.stringify(edit).slice(0, 40));
    expect(partial.code).toBe(0);
    expect(partial.stdout).toBe('');
    expect(partial.stderr).toContain('unreadable payload: no complete payload within 5000 ms');
  });
});

// Runs argv[1:] with a fresh pseudo-terminal as stdin that nobody ever types into, and prints the
// outcome as JSON.
const withTerminalStdin = `
import json, os, subprocess, sys
master, slave = os.openpty()
result = subprocess.run(sys.argv[1:], stdin=slave, capture_output=True, text=True, timeout=15)
print(json.dumps({"code": result.returncode, "stdout": result.stdout, "stderr": result.stderr}))
`;

/** Run the hook with `input` written to a stdin pipe that is never closed. */
function runWithOpenStdin(cwd: string, input: string): Promise<CliResult> {
  return runProcess(process.execPath, [binPath, 'agent-hook'], {
    cwd,
    env: isolatedEnv(),
    input,
    keepStdinOpen: true,
  });
}

function runShell(cwd: string, script: string): Promise<CliResult> {
  return runProcess('sh', ['-c', script], { cwd, env: isolatedEnv() });
}
