import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { agentPayload, codexPatch } from '../support/agent-payloads.js';
import { runCli } from '../support/cli.js';
import { track } from '../support/processes.js';
import { pythonAvailable, seedDir } from '../support/python-peer.js';
import { makeTempRepo } from '../support/temp-dir.js';

const holdInPython = `
import sys, time
from pathlib import Path
from concurrency import LockManager
ok = LockManager(Path(sys.argv[1])).acquire(sys.argv[2], sys.argv[3:])
print("acquired" if ok else "conflict", flush=True)
time.sleep(300)
`;

describe.skipIf(!pythonAvailable)('agent-hook against a lock the Python original holds', () => {
  it('refuses the edit and names the Python loop', async () => {
    const root = makeTempRepo();
    const holder = track(
      spawn('python3', ['-c', holdInPython, path.join(root, '.loops'), 'py-refactor', 'src/api'], {
        cwd: root,
        env: { ...process.env, PYTHONPATH: seedDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: holder.stdout }).once('line', resolve),
    );
    expect(line).toBe('acquired');

    const patch = codexPatch('*** Add File: src/api/new.ts', '+x');
    const result = await runCli(['agent-hook', '--agent', 'codex'], {
      cwd: root,
      input: JSON.stringify(agentPayload.codex(root, patch)),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const reason = JSON.parse(result.stdout).hookSpecificOutput.permissionDecisionReason;
    expect(reason).toContain('src/api/new.ts is inside a scope another running loop holds');
    expect(reason).toMatch(
      new RegExp(`held by loop "py-refactor" \\(pid ${holder.pid}, held \\d+s\\), scope src/api`),
    );
  });
});
