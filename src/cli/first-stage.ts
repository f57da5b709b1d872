import { sendAnswer, type AgentHook, type HookAnswer } from '../agent/agent-hook.js';
import { agents, defaultAgentId, isAgentId } from '../agent/agents.js';
import { findEdit } from '../agent/find-edit.js';
import type { PayloadRead } from '../agent/read-hook-payload.js';
import { envSwitch } from '../config/env-switch.js';
import { guardEnv } from '../guard/guard-env.js';
import { locateGuard } from '../guard/guard-location.js';
import { nothingToEnforce } from '../guard/nothing-to-enforce.js';
import { debugEnv } from './command-outcome.js';
import { processIo } from './process-io.js';

/**
 * The entry of dist/first-stage.cjs, which bin/scopeguard.js runs before it loads the hook bundle:
 * most commits are made where no loop holds a lock, and there loading the whole hook command cost
 * about as much again as the guard's own work. True only when the hook, run in full, would be
 * sure to exit 0 and print nothing: the words the installed hook passes and nothing more, no
 * switch that makes the hook speak (`SCOPEGUARD_SKIP`, `SCOPEGUARD_DEBUG`), and the guard,
 * located by the same code as in full (configuration, loops directory, worktrees, settings),
 * finds no lock to read. Anything else, an error included, is false: the full hook runs and
 * says what is wrong. It never writes and never sets the exit code.
 */
export async function nothingToRun(
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  if (!isInstalledHookCall(argv, env) || envSwitch(env[debugEnv])) return false;
  return nothingInSight(cwd, env);
}

/** What the agent hook's first stage leaves to the full hook. */
export interface AgentHookStage {
  /** The first stage answered the agent: nothing is left to run. */
  done: boolean;
  /** The payload, once the first stage has read it from standard input. */
  payload?: PayloadRead;
}

/**
 * The agent hook's first stage, also in dist/first-stage.cjs: the hook runs before every edit an
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
 * Whether the guard, located from `cwd` as a hook without flags locates it, is sure to read no
 * lock and to have nothing to say. An error is no answer: false.
 */
async function nothingInSight(cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const stderr = silentStream();
  try {
    const located = await locateGuard({}, { cwd, env, stderr });
    return nothingToEnforce(located, {}, env) && !stderr.spoke;
  } catch {
    return false;
  }
}

/** A stream that keeps nothing but whether anything was written to it. */
function silentStream(): { spoke: boolean; write(): void } {
  return {
    spoke: false,
    write() {
      this.spoke = true;
    },
  };
}

/**
 * `pre-commit` alone, as the installed hook runs it where no lock directory is in sight, with
 * `SCOPEGUARD_SKIP` off (set, the hook says it skipped); `commit-msg FILE`, as git's hook passes
 * it (the file is written only under an own lock).
 */
function isInstalledHookCall(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const [command, ...rest] = argv;
  if (command === 'pre-commit') return rest.length === 0 && envSwitch(env[guardEnv.skip]) === false;
  if (command === 'commit-msg') return rest.length === 1 && !rest[0]!.startsWith('-');
  return false;
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
