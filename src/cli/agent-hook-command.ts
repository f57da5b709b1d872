import { agentIds, sendAnswer, type HookAnswer } from '../agent/agent-hook.js';
import { agents, defaultAgentId, isAgentId } from '../agent/agents.js';
import { findEdit, type Edit } from '../agent/find-edit.js';
import { EnvironmentError, ExitCode, UsageError } from '../errors.js';
import { guardFlagsFrom, parseHookArgs } from './guard-flags.js';
import type { Io } from './io.js';

const usage = `Usage: scopeguard agent-hook [--agent ${agentIds.join('|')}] [--mode block|warn|off] [--as NAME]... [--strict] [--loops-dir DIR] [--store URL] [--namespace NAME]

A coding agent's pre-tool hook (scopeguard init --agent NAME registers it): reads one hook payload
on stdin and refuses an edit of a file inside a scope another live loop holds, with a reason
written for the model. Every other call, and a payload it cannot read, is allowed.

Agents (--agent, default ${defaultAgentId}) and the documentation of their hooks:
${Object.values(agents)
  .map((agent) => `  ${agent.id.padEnd(7)} ${agent.title.padEnd(12)} ${agent.docs}`)
  .join('\n')}
`;

type HookFlags = ReturnType<typeof parseHookFlags>;

/**
 * The agent hook entry. It runs before every edit an agent makes, so it parses its flags with
 * node's own parseArgs, reads stdin with a bound (or takes the payload its first stage read), and
 * loads the guard only for a call that edits. It prints the agent's answer on stdout and returns
 * the exit code the agent reads.
 */
export async function agentHook(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseHookFlags(argv);
  if (flags.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  const edit = findEdit(await io.hookPayload(), agents[flags.agent], io);
  return sendAnswer('paths' in edit ? await checkEdit(edit, flags, io) : edit, io.stdout);
}

function parseHookFlags(argv: readonly string[]) {
  const values = parseHookArgs('agent-hook', argv, {
    agent: { type: 'string', default: defaultAgentId },
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
