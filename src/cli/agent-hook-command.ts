import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { agentIds, PayloadError, type AgentHook, type HookAnswer } from '../agent/agent-hook.js';
import { agentForCall, agents, isAgentId, readToolCall } from '../agent/agents.js';
import { readHookPayload } from '../agent/read-hook-payload.js';
import { EnvironmentError, UsageError } from '../errors.js';
import type { Io } from './io.js';

const usage = `Usage: scopeguard agent-hook [--agent ${agentIds.join('|')}] [--mode block|warn|off] [--as NAME]... [--strict] [--loops-dir DIR]

A coding agent's pre-tool hook (scopeguard init --agent NAME registers it): reads one hook payload
on stdin and refuses an edit of a file inside a scope another live loop holds, with a reason
written for the model. Every other call, and a payload it cannot read, is allowed.
`;

// Far above any real edit; a payload this large is not waited for, read or checked.
const payloadLimits = { maxBytes: 32 * 1024 * 1024, timeoutMs: 5_000 };

/**
 * The agent hook entry. It runs before every edit an agent makes, so it parses its flags with
 * node's own parseArgs, reads stdin with a bound, and loads the guard only for a call that edits.
 */
export async function agentHook(argv: readonly string[], io: Io): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        agent: { type: 'string', default: 'claude' },
        mode: { type: 'string' },
        as: { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        'loops-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`agent-hook: ${(error as Error).message}`, 'usage');
  }
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (!isAgentId(values.agent)) {
    throw new UsageError(
      `agent-hook: --agent should be one of ${agentIds.join(', ')}, not ${JSON.stringify(values.agent)}`,
      'usage',
    );
  }
  const requested = agents[values.agent];
  const answer = ({ stdout, exitCode }: HookAnswer): number => {
    if (stdout !== '') io.stdout.write(stdout);
    return exitCode;
  };
  const allowUnread = (agent: AgentHook, why: string): number => {
    const line = why.replace(/\s+/g, ' ').trim();
    io.stderr.write(`scopeguard: agent-hook: ${line}; the call is allowed unchecked\n`);
    return answer(agent.allow);
  };

  const read = await readHookPayload(io.stdin, io.stdinIsTTY, payloadLimits);
  if (read.kind === 'none') return allowUnread(requested, `no hook payload (${read.why})`);
  if (read.kind === 'malformed') return allowUnread(requested, `unreadable payload: ${read.why}`);
  let call;
  try {
    call = readToolCall(read.value);
  } catch (error) {
    if (error instanceof PayloadError)
      return allowUnread(requested, `unreadable payload: ${error.message}`);
    throw error;
  }
  const agent = agentForCall(call, requested);
  if (!agent) return allowUnread(requested, `${call.event} is not a pre-tool event`);
  if (agent !== requested) {
    io.stderr.write(
      `scopeguard: agent-hook: this payload has ${agent.title}'s shape, not ${requested.title}'s: answering as ${agent.title} (pass --agent ${agent.id})\n`,
    );
  }
  let paths;
  try {
    paths = agent.editedPaths(call);
  } catch (error) {
    if (error instanceof PayloadError)
      return allowUnread(agent, `unreadable payload: ${error.message}`);
    throw error;
  }
  if (!paths) return answer(agent.allow);
  const base = path.resolve(io.cwd, agent.base(call) ?? '.');
  if (!isDirectory(base)) return allowUnread(agent, `the payload's cwd ${base} is not a directory`);

  const [{ runGuard }, { isPassing, hasFindings }] = await Promise.all([
    import('./guard-session.js'),
    import('../guard/guard-report.js'),
  ]);
  let report;
  try {
    report = await runGuard(
      {
        source: { kind: 'paths', paths, origin: 'arguments' },
        flags: {
          mode: values.mode,
          strict: values.strict,
          as: values.as,
          loopsDir: values['loops-dir'],
        },
        asHook: true,
      },
      { ...io, cwd: base },
    );
  } catch (error) {
    // Outside a repository there is nothing to guard.
    if (error instanceof EnvironmentError && error.code === 'not-a-repo')
      return answer(agent.allow);
    throw error;
  }
  for (const lock of report.reaped)
    io.stderr.write(`scopeguard: reaped stale lock ${lock.instance} (${lock.reason})\n`);
  if (!report.strict) {
    for (const problem of report.problems)
      io.stderr.write(
        `scopeguard: warning: cannot read lock record ${problem.file}: ${problem.reason}\n`,
      );
  }
  if (!hasFindings(report)) return answer(agent.allow);
  const { formatBlockReason } = await import('../agent/block-reason.js');
  const { reason, summary } = formatBlockReason(report, Date.now());
  if (isPassing(report)) {
    io.stderr.write(`${reason}\n`);
    return answer(agent.allow);
  }
  return answer(agent.deny(reason, summary));
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
