import {
  agentIds,
  PayloadError,
  type AgentHook,
  type AgentId,
  type ToolCall,
} from './agent-hook.js';
import { claudeCode } from './claude-code.js';
import { codexCli } from './codex-cli.js';
import { cursor } from './cursor.js';
import { geminiCli } from './gemini-cli.js';

/** Every supported agent by id, in the order a payload's shape is matched against them. */
export const agents: Record<AgentId, AgentHook> = {
  claude: claudeCode,
  codex: codexCli,
  gemini: geminiCli,
  cursor,
};

/** The agent `agent-hook` answers for without `--agent`. */
export const defaultAgentId: AgentId = 'claude';

/** True when `name` is one of the agent ids. */
export function isAgentId(name: unknown): name is AgentId {
  return (agentIds as readonly unknown[]).includes(name);
}

/** The tool call a parsed payload describes, or a PayloadError saying what is missing. */
export function readToolCall(value: unknown): ToolCall {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PayloadError('the payload is not a JSON object');
  const payload = value as Record<string, unknown>;
  const { hook_event_name: event, tool_name: tool, tool_input: input = {} } = payload;
  if (typeof event !== 'string') throw new PayloadError('the payload has no hook_event_name');
  if (typeof tool !== 'string') throw new PayloadError('the payload has no tool_name');
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new PayloadError('tool_input is not an object');
  return { event, tool, input: input as Record<string, unknown>, payload };
}

/**
 * The agent whose protocol answers this call: the one asked for when the payload could be its,
 * else the first whose shape it has (the caller says so), else undefined (not a pre-tool event).
 */
export function agentForCall(call: ToolCall, requested: AgentHook): AgentHook | undefined {
  if (requested.recognizes(call)) return requested;
  return Object.values(agents).find((agent) => agent.recognizes(call));
}
