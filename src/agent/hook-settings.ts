import { builtin } from '../builtin.js';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { AgentHook } from './agent-hook.js';

// Any command that runs our agent hook, however it was spelled or installed.
const ourCommand = /\bscopeguard(?:\.js)?['"]?\s+agent-hook\b/;

/** The command an agent's settings run before each edit: scopeguard found on the agent's PATH. */
export function agentHookCommand(agent: AgentHook): string {
  return `scopeguard agent-hook --agent ${agent.id}`;
}

/** A registration worked out without touching the disk: what it will say, and the write, if any. */
export interface HookRegistrationPlan {
  file: string;
  message: string;
  /** Writes the settings file; absent when the hook is already registered. */
  write?: () => void;
}

/**
 * Work out how to register the hook in an agent's project settings (or, with `local`, its
 * personal settings): keep every other key and hook, add ours under the agent's pre-tool event,
 * and change nothing when any entry there already runs it. A file that is not valid JSON, or whose
 * `hooks` have another shape than the agent documents, is an error (exit 2) that names the file.
 */
export function planHookRegistration(
  projectRoot: string,
  agent: AgentHook,
  local = false,
): HookRegistrationPlan {
  const registration = agent.registration;
  const relative = local ? registration.localFile : registration.file;
  if (relative === undefined) {
    throw new UsageError(`--local: ${agent.title} has no personal settings file`, 'usage');
  }
  const file = path.join(projectRoot, relative);
  const current = readSettings(file, agent, `init --agent ${agent.id}`);
  const settings = current?.settings ?? { ...registration.newFileKeys };
  const hooks = (settings.hooks ??= {}) as Record<string, unknown>;
  const entries = (hooks[registration.event] ??= []) as unknown[];
  if (entries.some((entry) => runsOurHook(agent, entry))) {
    return { file, message: `${file} already runs scopeguard before ${agent.title}'s edits` };
  }
  entries.push(registration.entry(agentHookCommand(agent)));
  const text = `${JSON.stringify(settings, null, current?.indent ?? 2)}\n`;
  const note = registration.setupNote ? ` (${registration.setupNote})` : '';
  return {
    file,
    message: `${current ? 'added to' : 'created'} ${file}: ${agent.title} now runs \`${agentHookCommand(agent)}\` before each ${registration.matcher} (${registration.event} hook)${note}`,
    write: () => writeAtomically(file, text),
  };
}

/**
 * Work out how to take the hook out of an agent's project and personal settings: drop the
 * commands that run it and keep everything else; a file left with nothing but what init put in a
 * new file is removed. Files that do not run it are not touched. Errors as planHookRegistration.
 */
export function planHookRemoval(projectRoot: string, agent: AgentHook): HookRegistrationPlan[] {
  const { file, localFile, event, without } = agent.registration;
  const plans: HookRegistrationPlan[] = [];
  for (const relative of localFile ? [file, localFile] : [file]) {
    const absolute = path.join(projectRoot, relative);
    const current = readSettings(absolute, agent, 'uninstall');
    const hooks = current?.settings.hooks as Record<string, unknown> | undefined;
    const entries = hooks?.[event] as unknown[] | undefined;
    if (!current || !hooks || !entries?.some((entry) => runsOurHook(agent, entry))) continue;
    const kept = entries
      .map((entry) => (runsOurHook(agent, entry) ? without(entry, isOurCommand) : entry))
      .filter((entry) => entry !== undefined);
    if (kept.length > 0) hooks[event] = kept;
    else delete hooks[event];
    if (Object.keys(hooks).length === 0) delete current.settings.hooks;
    const onlyInitKeys =
      JSON.stringify(current.settings) === JSON.stringify(agent.registration.newFileKeys ?? {});
    plans.push(
      onlyInitKeys
        ? {
            file: absolute,
            message: `removed ${absolute}: it held only ${agent.title}'s scopeguard hook`,
            write: () => rmSync(absolute),
          }
        : {
            file: absolute,
            message: `removed ${agent.title}'s scopeguard hook from ${absolute}`,
            write: () =>
              writeAtomically(
                absolute,
                `${JSON.stringify(current.settings, null, current.indent)}\n`,
              ),
          },
    );
  }
  return plans;
}

/** Whether an agent's settings in this project run the hook, and where; for `doctor`. */
export interface HookStatus {
  /** The settings files (relative to the project root) whose hooks run scopeguard. */
  registeredIn: string[];
  /** Settings files that cannot be read: the agent cannot read them either. */
  broken: string[];
}

/** Look for the hook in an agent's project and personal settings files. */
export function inspectHookRegistration(projectRoot: string, agent: AgentHook): HookStatus {
  const status: HookStatus = { registeredIn: [], broken: [] };
  const { file, localFile, event } = agent.registration;
  for (const relative of localFile ? [file, localFile] : [file]) {
    try {
      const hooks = readSettings(
        path.join(projectRoot, relative),
        agent,
        `init --agent ${agent.id}`,
      )?.settings.hooks as Record<string, unknown> | undefined;
      const entries = hooks?.[event];
      if (Array.isArray(entries) && entries.some((entry) => runsOurHook(agent, entry)))
        status.registeredIn.push(relative);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      status.broken.push(`${relative} (${error.message})`);
    }
  }
  return status;
}

function isOurCommand(command: string): boolean {
  return ourCommand.test(command);
}

function runsOurHook(agent: AgentHook, entry: unknown): boolean {
  return agent.registration.commands(entry).some(isOurCommand);
}

interface Settings {
  settings: Record<string, unknown>;
  /** The indentation the file uses, so a rewrite keeps its look. */
  indent: string | number;
}

/** Read an agent's settings file; `retry` is the scopeguard command to run again once it is fixed. */
function readSettings(file: string, agent: AgentHook, retry: string): Settings | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const fail = (problem: string) => {
    throw new UsageError(
      `${file} ${problem}; fix it by hand, then run \`scopeguard ${retry}\` again (the file was not changed).`,
      'bad-agent-settings',
    );
  };
  let settings: unknown;
  try {
    settings = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(settings)) return fail('does not hold a JSON object');
  const { hooks } = settings;
  const event = agent.registration.event;
  if (hooks !== undefined && !isObject(hooks)) return fail('has a "hooks" that is not an object');
  if (isObject(hooks) && hooks[event] !== undefined && !Array.isArray(hooks[event]))
    return fail(`has a "hooks.${event}" that is not an array`);
  return { settings, indent: /^([ \t]+)"/m.exec(text)?.[1] ?? 2 };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Replace the file in one step (through a symlink to its target), so no reader sees half of it. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const target = existsSync(file) ? realpathSync(file) : file;
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${builtin('node:crypto').randomUUID()}.tmp`,
  );
  writeFileSync(temp, text, { flag: 'wx' });
  renameSync(temp, target);
}
