import path from 'node:path';
import { isFolder } from '../is-folder.js';
import type { RunContext } from '../run-context.js';
import { PayloadError, type AgentHook, type HookAnswer } from './agent-hook.js';
import { agentForCall, readToolCall } from './agents.js';
import type { PayloadRead } from './read-hook-payload.js';

/** One edit to check: the agent that asks, the files, and the directory they are relative to. */
export interface Edit {
  agent: AgentHook;
  paths: string[];
  base: string;
}

/**
 * The edit a hook payload asks about, or the answer to give at once without the guard: the
 * agent's "allow" for a call that edits nothing, and also, with one line on stderr, for a payload
 * it cannot read. `requested` is the agent `--agent` names; relative bases count from `cwd`.
 * Both the full agent hook and its first stage (src/cli/agent-hook-first-stage.ts) read payloads here.
 */
export function findEdit(
  read: PayloadRead,
  requested: AgentHook,
  { cwd, stderr }: Pick<RunContext, 'cwd' | 'stderr'>,
): Edit | HookAnswer {
  const allowUnread = (agent: AgentHook, why: string): HookAnswer => {
    const line = why.replace(/\s+/g, ' ').trim();
    stderr.write(`scopeguard: agent-hook: ${line}; the call is allowed unchecked\n`);
    return agent.allow;
  };
  if (read.kind === 'none') return allowUnread(requested, `no hook payload (${read.why})`);
  if (read.kind === 'malformed') return allowUnread(requested, `unreadable payload: ${read.why}`);
  let agent = requested;
  try {
    const call = readToolCall(read.value);
    const answering = agentForCall(call, requested);
    if (!answering) return allowUnread(requested, `${call.event} is not a pre-tool event`);
    if (answering !== requested) {
      stderr.write(
        `scopeguard: agent-hook: this payload has ${answering.title}'s shape, not ${requested.title}'s: answering as ${answering.title} (pass --agent ${answering.id})\n`,
      );
    }
    agent = answering;
    const paths = agent.editedPaths(call);
    if (!paths) return agent.allow;
    const base = path.resolve(cwd, agent.base(call) ?? '.');
    if (!isFolder(base)) return allowUnread(agent, `the payload's cwd ${base} is not a directory`);
    return { agent, paths, base };
  } catch (error) {
    if (error instanceof PayloadError)
      return allowUnread(agent, `unreadable payload: ${error.message}`);
    throw error;
  }
}
