import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentId } from '../../src/agent/agent-hook.js';
import { agentPayload, codexPatch } from '../support/agent-payloads.js';
import { binPath, runCli } from '../support/cli.js';
import { holdLock } from '../support/commit-repo.js';
import { isolatedEnv, makeTempDir, makeTempRepo } from '../support/temp-dir.js';

interface AgentCase {
  agent: AgentId;
  file: string;
  /** What init adds under `hooks`. */
  event: string;
  ours: Record<string, unknown>;
  /** Settings a project may already have: other keys and other hooks, also under our event. */
  existing: Record<string, unknown>;
  /** A payload for an edit of `src/api/a.ts`. */
  edit: (root: string) => unknown;
}

const cases: AgentCase[] = [
  {
    agent: 'claude',
    file: '.claude/settings.json',
    event: 'PreToolUse',
    ours: {
      matcher: 'Write|Edit|MultiEdit|NotebookEdit',
      hooks: [{ type: 'command', command: 'scopeguard agent-hook --agent claude' }],
    },
    existing: {
      permissions: { allow: ['Bash(npm test)'] },
      hooks: {
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] }],
        PostToolUse: [
          {
            matcher: 'Edit',
            hooks: [{ type: 'command', command: 'prettier --write', timeout: 30 }],
          },
        ],
      },
      model: 'opus',
    },
    edit: (root) => agentPayload.claude(root, 'Write', { file_path: 'src/api/a.ts', content: 'x' }),
  },
  {
    agent: 'codex',
    file: '.codex/hooks.json',
    event: 'PreToolUse',
    ours: {
      matcher: 'apply_patch',
      hooks: [{ type: 'command', command: 'scopeguard agent-hook --agent codex' }],
    },
    existing: {
      hooks: {
        SessionStart: [{ hooks: [{ type: 'command', command: 'echo ready', timeout: 5 }] }],
        PreToolUse: [
          {
            matcher: 'Bash',
            hooks: [{ type: 'command', command: 'python3 check.py', statusMessage: 'checking' }],
          },
        ],
      },
    },
    edit: (root) =>
      agentPayload.codex(root, codexPatch('*** Update File: src/api/a.ts', '@@', '-a', '+b')),
  },
  {
    agent: 'gemini',
    file: '.gemini/settings.json',
    event: 'BeforeTool',
    ours: {
      matcher: 'write_file|replace',
      hooks: [
        { name: 'scopeguard', type: 'command', command: 'scopeguard agent-hook --agent gemini' },
      ],
    },
    existing: {
      ui: { theme: 'GitHub' },
      general: {},
      hooks: {
        BeforeTool: [
          {
            matcher: 'run_shell_command',
            hooks: [{ name: 'shell', type: 'command', command: './check.sh' }],
          },
        ],
      },
    },
    edit: (root) =>
      agentPayload.gemini(root, 'write_file', { file_path: 'src/api/a.ts', content: 'x' }),
  },
  {
    agent: 'cursor',
    file: '.cursor/hooks.json',
    event: 'preToolUse',
    ours: {
      command: 'scopeguard agent-hook --agent cursor',
      matcher: 'Write|Edit|StrReplace|MultiEdit|Delete|EditNotebook',
    },
    existing: {
      version: 1,
      hooks: {
        afterFileEdit: [{ command: './format.sh' }],
        preToolUse: [{ command: './shell-guard.sh', matcher: 'Shell', failClosed: true }],
      },
    },
    edit: (root) =>
      agentPayload.cursor(root, 'Write', { file_path: 'src/api/a.ts', contents: 'x' }),
  },
];

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe.each(cases)(
  'scopeguard init --agent $agent',
  ({ agent, file, event, ours, existing, edit }) => {
    it('creates the settings file, and the command it registers refuses a foreign edit', async () => {
      const root = makeTempRepo();
      const result = await runCli(['init', '--agent', agent], { cwd: root });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`created ${path.join(root, file)}`);
      const settings = read(path.join(root, file));
      expect(settings.hooks).toEqual({ [event]: [ours] });
      if (agent === 'cursor') expect(settings.version).toBe(1);
      expect(existsSync(path.join(root, '.git/hooks/pre-commit'))).toBe(true);

      // Run the registered command the way the agent does: through a shell, scopeguard on PATH.
      await holdLock(root, 'refactor', ['src/api']);
      const command =
        agent === 'cursor' ? ours.command : (ours.hooks as { command: string }[])[0]!.command;
      const shim = makeTempDir();
      symlinkSync(binPath, path.join(shim, 'scopeguard'));
      const hook = spawnSync('sh', ['-c', command as string], {
        cwd: root,
        env: isolatedEnv({
          PATH: [shim, path.dirname(process.execPath), process.env.PATH].join(':'),
        }),
        input: JSON.stringify(edit(root)),
        encoding: 'utf8',
      });
      expect(hook.status, hook.stderr).toBe(0);
      expect(hook.stdout).toMatch(/"(permissionDecision|decision|permission)":"deny"/);
      expect(hook.stdout).toContain('loop \\"refactor\\"');

      const doctor = await runCli(['doctor'], {
        cwd: root,
        env: { PATH: [shim, process.env.PATH].join(':') },
      });
      expect(doctor.stdout).toContain(
        `ok   agent hooks: edit hook registered for ${agent} (${file})`,
      );
      expect(doctor.stdout).toContain(`the agents run ${path.join(shim, 'scopeguard')}`);
    });

    it('keeps other keys and hooks, adds its own once, and changes nothing on a second run', async () => {
      const root = makeTempRepo();
      const settingsFile = path.join(root, file);
      mkdirSync(path.dirname(settingsFile), { recursive: true });
      writeFileSync(settingsFile, JSON.stringify(existing, null, 4));

      const first = await runCli(['init', '--agent', agent], { cwd: root });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`added to ${settingsFile}`);
      const hooks = existing.hooks as Record<string, unknown[]>;
      expect(read(settingsFile)).toEqual({
        ...existing,
        hooks: { ...hooks, [event]: [...(hooks[event] ?? []), ours] },
      });
      const text = readFileSync(settingsFile, 'utf8');
      expect(text).toMatch(/^\{\n {4}"/); // the file's own indentation

      const second = await runCli(['init', '--agent', agent], { cwd: root });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`${settingsFile} already runs scopeguard`);
      expect(readFileSync(settingsFile, 'utf8')).toBe(text);
    });

    it('uninstall takes out only its own hook, and removes a file init created', async () => {
      const root = makeTempRepo();
      const settingsFile = path.join(root, file);
      mkdirSync(path.dirname(settingsFile), { recursive: true });
      writeFileSync(settingsFile, JSON.stringify(existing, null, 4));
      expect((await runCli(['init', '--agent', agent], { cwd: root })).code).toBe(0);

      const removed = await runCli(['uninstall'], { cwd: root });
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toContain(`scopeguard hook from ${settingsFile}`);
      expect(readFileSync(settingsFile, 'utf8')).toBe(`${JSON.stringify(existing, null, 4)}\n`);
      const again = await runCli(['uninstall'], { cwd: root });
      expect(again.stdout).toContain('nothing to remove');

      const fresh = makeTempRepo();
      expect((await runCli(['init', '--agent', agent], { cwd: fresh })).code).toBe(0);
      const cleaned = await runCli(['uninstall'], { cwd: fresh });
      expect(cleaned.stdout).toContain(`removed ${path.join(fresh, file)}: it held only`);
      expect(existsSync(path.join(fresh, file))).toBe(false);
    });

    // A Cursor entry is one command: there is no group to share.
    it.skipIf(agent === 'cursor')(
      'uninstall keeps a hook group it shares with another command',
      async () => {
        const root = makeTempRepo();
        const settingsFile = path.join(root, file);
        const group = ours as { hooks: Record<string, unknown>[] };
        const other = { type: 'command', command: './lint.sh' };
        const shared = { hooks: { [event]: [{ ...group, hooks: [...group.hooks, other] }] } };
        mkdirSync(path.dirname(settingsFile), { recursive: true });
        writeFileSync(settingsFile, JSON.stringify(shared));
        expect((await runCli(['uninstall'], { cwd: root })).code).toBe(0);
        expect(read(settingsFile)).toEqual({ hooks: { [event]: [{ ...group, hooks: [other] }] } });
      },
    );

    it('uninstall refuses a settings file that is not valid JSON, changing nothing at all', async () => {
      const root = makeTempRepo();
      await runCli(['init'], { cwd: root });
      const settingsFile = path.join(root, file);
      mkdirSync(path.dirname(settingsFile), { recursive: true });
      writeFileSync(settingsFile, '{ "hooks": ');
      const result = await runCli(['uninstall'], { cwd: root });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`scopeguard: ${settingsFile} is not valid JSON`);
      expect(result.stderr).toContain('then run `scopeguard uninstall` again');
      expect(existsSync(path.join(root, '.git/hooks/pre-commit'))).toBe(true);
    });

    it('refuses a settings file that is not valid JSON, changing nothing at all', async () => {
      const root = makeTempRepo();
      const settingsFile = path.join(root, file);
      mkdirSync(path.dirname(settingsFile), { recursive: true });
      const broken = '{ "hooks": { // a comment\n';
      writeFileSync(settingsFile, broken);

      const result = await runCli(['init', '--agent', agent], { cwd: root });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`scopeguard: ${settingsFile} is not valid JSON`);
      expect(result.stderr).toContain('the file was not changed');
      expect(readFileSync(settingsFile, 'utf8')).toBe(broken);
      expect(existsSync(path.join(root, '.git/hooks/pre-commit'))).toBe(false);

      const doctor = await runCli(['doctor'], { cwd: root });
      expect(doctor.stdout).toMatch(
        new RegExp(`FAIL agent hooks: .*unreadable: ${file.replace('.', '\\.')}`),
      );
    });
  },
);

describe('scopeguard init --agent: shapes it refuses and options', () => {
  it('refuses hooks of another shape than the agent documents', async () => {
    const root = makeTempRepo();
    const settingsFile = path.join(root, '.claude/settings.json');
    mkdirSync(path.dirname(settingsFile));
    for (const content of ['[]', '{"hooks": []}', '{"hooks": {"PreToolUse": {"Bash": "x"}}}']) {
      writeFileSync(settingsFile, content);
      const result = await runCli(['init', '--agent', 'claude'], { cwd: root });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(settingsFile);
      expect(readFileSync(settingsFile, 'utf8')).toBe(content);
    }
  });

  it("writes Claude Code's personal settings with --local, and refuses --local for others", async () => {
    const root = makeTempRepo();
    const local = await runCli(['init', '--agent', 'claude', '--local'], { cwd: root });
    expect(local.code, local.stderr).toBe(0);
    expect(read(path.join(root, '.claude/settings.local.json')).hooks.PreToolUse).toHaveLength(1);
    expect(existsSync(path.join(root, '.claude/settings.json'))).toBe(false);

    const codex = await runCli(['init', '--agent', 'codex', '--local'], { cwd: root });
    expect(codex.code).toBe(2);
    expect(codex.stderr).toContain('--local goes with --agent claude');
  });

  it('registers several agents at once', async () => {
    const root = makeTempRepo();
    const before = await runCli(['doctor'], { cwd: root });
    expect(before.stdout).toContain(
      'ok   agent hooks: none registered (scopeguard init --agent claude|codex|gemini|cursor adds one)',
    );
    const result = await runCli(['init', '--agent', 'gemini', '--agent', 'cursor'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(path.join(root, '.gemini/settings.json'))).toBe(true);
    expect(existsSync(path.join(root, '.cursor/hooks.json'))).toBe(true);
  });
});
