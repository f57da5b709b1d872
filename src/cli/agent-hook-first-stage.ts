import { sendAnswer, type AgentHook, type HookAnswer } from '../agent/agent-hook.js';
import { agents, defaultAgentId, isAgentId } from '../agent/agents.js';
import { findEdit } from '../agent/find-edit.js';
import type { PayloadRead } from '../agent/read-hook-payload.js';
import { envSwitch } from '../config/env-switch.js';
import { debugEnv } from './command-outcome.js';
import { nothingInSight } from './nothing-in-sight.js';
import { processIo } from './process-io.js';
import { silentStream } from './silent-stream.js';

/** What the agent hook's first stage leaves to the full hook. */
export interface AgentHookStage {
  /** The first stage answered the agent: nothing is left to run. */
  done: boolean;
  /** The payload, once the first stage has read it from standard input. */
  payload?: PayloadRead;
}

/**
 * The agent hook's first stage, the entry of dist/agent-hook-first-stage.cjs: the hook runs before every edit an
 * agent makes, and most are made where no loop holds a lock. For the words `init --agent`
 * registers, it reads the payload as the full hook does, once, and answers the agent itself
 * (stdout and exit code) only where the full hook would allow the call without a word: a call
 * that edits nothing, or an edit whose guard, located from the payload's directory by the same
 * code as in full, finds nothing to enforce. Anything else (other words, `SCOPEGUARD_DEBUG`, a
 * payload it cannot read, a lock directory, an error) is left to the full hook, with the payload
 * once read: standard input can be read only once, so after the read it never throws.
 */
export async function agentHookFirstStage(argv: readonly string[]): Promise<AgentHookStage> {
  const requested = installedAgentHook(argv);
  const { io, finish } = processIo();
  if (requested === undefined || envSwitch(io.env[debugEnv])) return { done: false };
  const payload = await io.hookPayload();
  let allowed: HookAnswer | undefined;
  try {
    allowed = await allowedAtOnce(payload, requested, io.cwd, io.env);
  } catch {
    // The full hook meets the same error and says what it is.
  }
  if (allowed === undefined) return { done: false, payload };
  await finish(sendAnswer(allowed, io.stdout));
  return { done: true };
}

/** The full hook's answer when it would allow the call without a word, else undefined. */
async function allowedAtOnce(
  payload: PayloadRead,
  requested: AgentHook,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<HookAnswer | undefined> {
  const stderr = silentStream();
  const edit = findEdit(payload, requested, { cwd, stderr });
  if (stderr.spoke) return undefined;
  if (!('paths' in edit)) return edit;
  return (await nothingInSight(edit.base, env)) ? edit.agent.allow : undefined;
}

/**
 * The agent of `agent-hook --agent NAME`, as `init --agent` registers the hook, or of
 * `agent-hook` alone; undefined for any other words, which the full hook reads.
 */
function installedAgentHook(argv: readonly string[]): AgentHook | undefined {
  const [command, ...rest] = argv;
  if (command !== 'agent-hook') return undefined;
  if (rest.length === 0) return agents[defaultAgentId];
  const [flag, name] = rest;
  return rest.length === 2 && flag === '--agent' && isAgentId(name) ? agents[name] : undefined;
}
