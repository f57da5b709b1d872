import { statSync } from 'node:fs';
import path from 'node:path';
import { agentIds, PayloadError, type AgentHook, type HookAnswer } from '../agent/agent-hook.js';
import { agentForCall, agents, isAgentId, readToolCall } from '../agent/agents.js';
import { readHookPayload } from '../agent/read-hook-payload.js';
import { EnvironmentError, ExitCode, UsageError } from '../errors.js';
import { guardFlagsFrom, parseHookArgs } from './guard-flags.js';
import type { Io } from './io.js';

const usage = `Usage: scopeguard agent-hook [--agent ${agentIds.join('|')}] [--mode block|warn|off] [--as NAME]... [--strict] [--loops-dir DIR] [--store URL] [--namespace NAME]

A coding agent's pre-tool hook (scopeguard init --agent NAME registers it): reads one hook payload
on stdin and refuses an edit of a file inside a scope another live loop holds, with a reason
written for the model. Every other call, and a payload it cannot read, is allowed.

Agents (--agent, default claude) and the documentation of their hooks:
${Object.values(agents)
  .map((agent) => `  ${agent.id.padEnd(7)} ${agent.title.padEnd(12)} ${agent.docs}`)
  .join('\n')}
`;

// Far above any real edit; a payload this large is not waited for, read or checked.
const payloadLimits = { maxBytes: 32 * 1024 * 1024, timeoutMs: 5_000 };

type HookFlags = ReturnType<typeof parseHookFlags>;

/** One edit to check: the agent that asks, the files, and the directory they are relative to. */
interface Edit {
  agent: AgentHook;
  paths: string[];
  base: string;
}

/**
 * The agent hook entry. It runs before every edit an agent makes, so it parses its flags with
 * node's own parseArgs, reads stdin with a bound, and loads the guard only for a call that edits.
 * It prints the agent's answer on stdout and returns the exit code the agent reads.
 */
export async function agentHook(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseHookFlags(argv);
  if (flags.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  const edit = await readEdit(agents[flags.agent], io);
  const { stdout, exitCode } = 'paths' in edit ? await checkEdit(edit, flags, io) : edit;
  if (stdout !== '') io.stdout.write(stdout);
  return exitCode;
}

function parseHookFlags(argv: readonly string[]) {
  const values = parseHookArgs('agent-hook', argv, {
    agent: { type: 'string', default: 'claude' },
  });
  const { agent } = values;
  if (!isAgentId(agent)) {
    throw new UsageError(
      `agent-hook: --agent should be one of ${agentIds.join(', ')}, not ${JSON.stringify(agent)}`,
      'usage',
    );
  }
  return { ...values, agent };
}

/**
 * Read the payload and find the edit in it, or the answer to give at once: the agent's "allow"
 * for a call that edits nothing, and also, with one line on stderr, for a payload it cannot read.
 */
async function readEdit(requested: AgentHook, io: Io): Promise<Edit | HookAnswer> {
  const allowUnread = (agent: AgentHook, why: string): HookAnswer => {
    const line = why.replace(/\s+/g, ' ').trim();
    io.stderr.write(`scopeguard: agent-hook: ${line}; the call is allowed unchecked\n`);
    return agent.allow;
  };
  const read = await readHookPayload(io.stdin, io.stdinIsTTY, payloadLimits);
  if (read.kind === 'none') return allowUnread(requested, `no hook payload (${read.why})`);
  if (read.kind === 'malformed') return allowUnread(requested, `unreadable payload: ${read.why}`);
  let agent = requested;
  try {
    const call = readToolCall(read.value);
    const answering = agentForCall(call, requested);
    if (!answering) return allowUnread(requested, `${call.event} is not a pre-tool event`);
    if (answering !== requested) {
      io.stderr.write(
        `scopeguard: agent-hook: this payload has ${answering.title}'s shape, not ${requested.title}'s: answering as ${answering.title} (pass --agent ${answering.id})\n`,
      );
    }
    agent = answering;
    const paths = agent.editedPaths(call);
    if (!paths) return agent.allow;
    const base = path.resolve(io.cwd, agent.base(call) ?? '.');
    if (!isDirectory(base))
      return allowUnread(agent, `the payload's cwd ${base} is not a directory`);
    return { agent, paths, base };
  } catch (error) {
    if (error instanceof PayloadError)
      return allowUnread(agent, `unreadable payload: ${error.message}`);
    throw error;
  }
}

/** Run the guard on the edited files from the agent's directory and answer for the agent. */
async function checkEdit(
  { agent, paths, base }: Edit,
  flags: HookFlags,
  io: Io,
): Promise<HookAnswer> {
  const { runGuard } = await import('../guard/guard-session.js');
  let report;
  try {
    report = await runGuard(
      {
        source: { kind: 'paths', paths, origin: 'arguments' },
        flags: guardFlagsFrom(flags),
        asHook: true,
        defaultOnStoreError: 'warn',
      },
      { ...io, cwd: base },
    );
  } catch (error) {
    // Outside a repository there is nothing to guard.
    if (error instanceof EnvironmentError && error.code === 'not-a-repo') return agent.allow;
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
  if (report.conflicts.length === 0 && report.problems.length === 0) return agent.allow;
  const [{ hasFindings, isPassing }, { formatBlockReason }] = await Promise.all([
    import('../guard/guard-report.js'),
    import('../agent/block-reason.js'),
  ]);
  if (!hasFindings(report)) return agent.allow;
  const { reason, summary } = formatBlockReason(report, Date.now());
  if (!isPassing(report)) return agent.deny(reason, summary);
  io.stderr.write(`${reason}\n`);
  return agent.allow;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
