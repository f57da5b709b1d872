/** The coding agents whose pre-tool hook scopeguard answers. */
export const agentIds = ['claude', 'codex', 'gemini', 'cursor'] as const;
export type AgentId = (typeof agentIds)[number];

/** One tool call as every agent's pre-tool payload describes it, fields type-checked. */
export interface ToolCall {
  /** `hook_event_name`. */
  event: string;
  /** `tool_name`. */
  tool: string;
  /** `tool_input`; an empty object when the payload has none. */
  input: Record<string, unknown>;
  /** The whole payload, for agent-specific fields (`cwd`, `turn_id`, `workspace_roots`...). */
  payload: Record<string, unknown>;
}

/** What the hook prints on stdout and exits with: the agent reads both. */
export interface HookAnswer {
  stdout: string;
  exitCode: number;
}

/**
 * An answer with exit 0, which every agent reads: the JSON document on one line of stdout, or
 * nothing at all (the silent allow most agents take).
 */
export function answer(document?: Record<string, unknown>): HookAnswer {
  return { stdout: document === undefined ? '' : `${JSON.stringify(document)}\n`, exitCode: 0 };
}

/** Print `answer` for the agent (most allow with nothing at all) and return its exit code. */
export function sendAnswer(
  { stdout, exitCode }: HookAnswer,
  out: { write(text: string): void },
): number {
  if (stdout !== '') out.write(stdout);
  return exitCode;
}

/** Where and how an agent's project settings register a command hook. */
export interface HookRegistration {
  /** The project settings file, relative to the project root. */
  file: string;
  /** A personal, uncommitted settings file, where the agent has one (`init --local`). */
  localFile?: string;
  /** The key under `hooks` that holds the pre-tool hooks. */
  event: string;
  /** The tools the registered hook is limited to, in the agent's matcher syntax. */
  matcher: string;
  /** The entry to add under `hooks[event]` for `command`. */
  entry: (command: string) => Record<string, unknown>;
  /** The commands an existing entry under `hooks[event]` runs. */
  commands: (entry: unknown) => string[];
  /** The entry without the commands `drop` matches, or undefined when it would run nothing. */
  without: (entry: unknown, drop: (command: string) => boolean) => unknown;
  /** Top-level keys a new settings file needs besides `hooks`. */
  newFileKeys?: Record<string, unknown>;
  /** What the user still has to do in the agent once the hook is in its settings. */
  setupNote?: string;
}

/** A payload that claims to be a tool call but cannot be read as one. */
export class PayloadError extends Error {}

/**
 * One agent's hook protocol: how its payload names the files an edit writes, how it wants a
 * refusal, and where its settings register the hook.
 */
export interface AgentHook {
  id: AgentId;
  /** The product name, for messages. */
  title: string;
  /** The documentation page the shapes here come from. */
  docs: string;
  /** Whether a payload could come from this agent (its event name, tools and fields). */
  recognizes(call: ToolCall): boolean;
  /**
   * The files the call writes, absolute or relative to `base`; undefined when the tool does not
   * write files. Throws PayloadError when an editing tool names no file.
   */
  editedPaths(call: ToolCall): string[] | undefined;
  /** The directory relative paths are relative to, when the payload says. */
  base(call: ToolCall): string | undefined;
  /** The answer that lets the call run. */
  allow: HookAnswer;
  /** The answer that refuses the call, with the reason for the model and a one-line summary. */
  deny(reason: string, summary: string): HookAnswer;
  registration: HookRegistration;
}

/** The string at `key` of `record`, or undefined when it is missing or not a non-empty string. */
export function stringAt(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The first of `keys` that holds a file name, or a PayloadError naming the tool. */
export function requirePath(call: ToolCall, keys: readonly string[]): string {
  for (const key of keys) {
    const value = stringAt(call.input, key);
    if (value !== undefined) return value;
  }
  throw new PayloadError(`${call.tool} call without tool_input.${keys.join(' or tool_input.')}`);
}

/** Claude Code's hook layout, which Codex and Gemini CLI share: matcher groups of command hooks. */
export const matcherGroups = {
  entry: (matcher: string, command: string, hook: Record<string, unknown> = {}) => ({
    matcher,
    hooks: [{ ...hook, type: 'command', command }],
  }),
  commands: (entry: unknown): string[] => {
    const hooks = (entry as { hooks?: unknown } | null)?.hooks;
    if (!Array.isArray(hooks)) return [];
    return hooks
      .map((hook) => (hook as { command?: unknown } | null)?.command)
      .filter((command): command is string => typeof command === 'string');
  },
  without: (entry: unknown, drop: (command: string) => boolean): unknown => {
    const group = entry as { hooks: unknown[] };
    const hooks = group.hooks.filter((hook) => {
      const command = (hook as { command?: unknown } | null)?.command;
      return typeof command !== 'string' || !drop(command);
    });
    return hooks.length === 0 ? undefined : { ...group, hooks };
  },
};
