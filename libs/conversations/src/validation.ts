import type { ToolCall, Usage } from '@app/core';
import type {
  ConversationPatch,
  CreateConversationInput,
  MessageStatus,
  NewMessage,
  TurnRole,
} from './conversation.types';
import { invalidInput } from './errors';

/**
 * Checks at the store boundary: an input the store accepts is one it can return unchanged from
 * both dialects, and one that describes a possible turn. Sizes are the HTTP layer's business.
 */

const TURN_ROLES: ReadonlySet<string> = new Set<TurnRole>(['user', 'assistant', 'tool']);
const STATUSES: ReadonlySet<string> = new Set<MessageStatus>(['complete', 'partial']);
const USAGE_OPTIONAL_COUNTS = ['cachedInputTokens', 'cacheWriteTokens', 'reasoningTokens'] as const;

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** PostgreSQL text cannot hold U+0000; rejecting it in both dialects keeps them alike. */
function checkText(value: unknown, param: string, options: { empty?: boolean } = {}): string {
  if (typeof value !== 'string') throw invalidInput(`'${param}' must be a string.`, param);
  if (!options.empty && value.length === 0) {
    throw invalidInput(`'${param}' must not be empty.`, param);
  }
  if (value.includes('\u0000')) {
    throw invalidInput(`'${param}' must not contain NUL characters.`, param);
  }
  return value;
}

function checkOptionalText(value: unknown, param: string): string | undefined {
  return value === undefined ? undefined : checkText(value, param);
}

export function checkOwner(owner: unknown): string {
  return checkText(owner, 'owner');
}

export function checkId(id: unknown, param = 'conversation_id'): string {
  return checkText(id, param);
}

export function checkMetadata(metadata: unknown, param = 'metadata'): Record<string, string> {
  if (metadata === undefined) return {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw invalidInput(`'${param}' must be an object of strings.`, param);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    checkText(key, `${param} key`);
    out[key] = checkText(value, `${param}.${key}`, { empty: true });
  }
  return out;
}

export function checkCreate(input: CreateConversationInput): CreateConversationInput {
  const prompt = input.prompt;
  if (prompt !== undefined && (typeof prompt !== 'object' || prompt === null)) {
    throw invalidInput(`'prompt' must be an object with a name.`, 'prompt');
  }
  return {
    owner: checkOwner(input.owner),
    model: checkOptionalText(input.model, 'model'),
    prompt:
      prompt === undefined
        ? undefined
        : {
            name: checkText(prompt.name, 'prompt.name'),
            version: checkOptionalText(prompt.version, 'prompt.version'),
            label: checkOptionalText(prompt.label, 'prompt.label'),
          },
    system: input.system === undefined ? undefined : checkText(input.system, 'system'),
    metadata: checkMetadata(input.metadata),
    title: input.title === undefined ? undefined : checkText(input.title, 'title', { empty: true }),
  };
}

export function checkConversationPatch(patch: ConversationPatch): ConversationPatch {
  const out: ConversationPatch = {};
  if (patch.title !== undefined) {
    out.title = patch.title === null ? null : checkText(patch.title, 'title', { empty: true });
  }
  if (patch.model !== undefined) {
    out.model = patch.model === null ? null : checkText(patch.model, 'model');
  }
  if (patch.metadata !== undefined) out.metadata = checkMetadata(patch.metadata);
  return out;
}

function checkToolCalls(value: unknown): ToolCall[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidInput(`'toolCalls' must be a non-empty array.`, 'toolCalls');
  }
  return value.map((call: unknown, index): ToolCall => {
    const param = `toolCalls[${index}]`;
    if (typeof call !== 'object' || call === null) {
      throw invalidInput(`'${param}' must be a tool call.`, param);
    }
    const { id, type, function: fn } = call as Partial<ToolCall>;
    if (type !== 'function') throw invalidInput(`'${param}.type' must be 'function'.`, param);
    if (typeof fn !== 'object' || fn === null) {
      throw invalidInput(`'${param}.function' must be an object.`, `${param}.function`);
    }
    return {
      id: checkText(id, `${param}.id`),
      type: 'function',
      function: {
        name: checkText(fn.name, `${param}.function.name`),
        // a partial turn's arguments may be cut JSON, or not started yet
        arguments: checkText(fn.arguments, `${param}.function.arguments`, { empty: true }),
      },
    };
  });
}

function checkCount(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(`'${param}' must be a non-negative integer.`, param);
  }
  return value;
}

function checkUsage(value: unknown): Usage {
  if (typeof value !== 'object' || value === null) {
    throw invalidInput(`'usage' must be an object.`, 'usage');
  }
  const input = value as Partial<Record<keyof Usage, unknown>>;
  const usage: Usage = {
    inputTokens: checkCount(input.inputTokens, 'usage.inputTokens'),
    outputTokens: checkCount(input.outputTokens, 'usage.outputTokens'),
    totalTokens: checkCount(input.totalTokens, 'usage.totalTokens'),
  };
  for (const key of USAGE_OPTIONAL_COUNTS) {
    if (input[key] !== undefined) usage[key] = checkCount(input[key], `usage.${key}`);
  }
  if (input.estimated !== undefined) {
    if (typeof input.estimated !== 'boolean') {
      throw invalidInput(`'usage.estimated' must be a boolean.`, 'usage.estimated');
    }
    usage.estimated = input.estimated;
  }
  return usage;
}

/** A validated NewMessage with its status filled in; throws 400 for an impossible turn. */
export function checkMessage(message: NewMessage): NewMessage & { status: MessageStatus } {
  if (typeof message !== 'object' || message === null) {
    throw invalidInput('The message must be an object.', 'message');
  }
  const { role } = message;
  if (typeof role !== 'string' || !TURN_ROLES.has(role)) {
    throw invalidInput(`'role' must be one of user, assistant, tool.`, 'role');
  }
  const status = message.status ?? 'complete';
  if (!STATUSES.has(status)) throw invalidInput(`'status' must be complete or partial.`, 'status');
  const assistant = role === 'assistant';
  const assistantOnly = ['toolCalls', 'deployment', 'usage', 'finishReason'] as const;
  for (const field of assistantOnly) {
    if (!assistant && message[field] !== undefined) {
      throw invalidInput(`'${field}' is only allowed on assistant messages.`, field);
    }
  }
  if (!assistant && status === 'partial') {
    throw invalidInput('Only assistant messages can be partial.', 'status');
  }
  if (role === 'tool' && message.toolCallId === undefined) {
    throw invalidInput(`A tool message needs 'toolCallId'.`, 'toolCallId');
  }
  if (role !== 'tool' && message.toolCallId !== undefined) {
    throw invalidInput(`'toolCallId' is only allowed on tool messages.`, 'toolCallId');
  }
  const toolCalls = message.toolCalls === undefined ? undefined : checkToolCalls(message.toolCalls);
  if (message.content === null) {
    if (toolCalls === undefined) {
      throw invalidInput(
        `'content' may be null only on an assistant message with tool calls.`,
        'content',
      );
    }
  } else {
    checkText(message.content, 'content', { empty: true });
  }
  return {
    role,
    content: message.content,
    name: checkOptionalText(message.name, 'name'),
    toolCalls,
    toolCallId: role === 'tool' ? checkText(message.toolCallId, 'toolCallId') : undefined,
    status,
    requestId: checkOptionalText(message.requestId, 'requestId'),
    deployment: checkOptionalText(message.deployment, 'deployment'),
    usage: message.usage === undefined ? undefined : checkUsage(message.usage),
    finishReason: checkOptionalText(message.finishReason, 'finishReason'),
  };
}

export function checkSeq(seq: unknown): number {
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    throw invalidInput(`'seq' must be a positive integer.`, 'seq');
  }
  return seq;
}

export function checkPageSize(limit: unknown): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidInput(`'limit' must be an integer from 1 to ${MAX_PAGE_SIZE}.`, 'limit');
  }
  return limit;
}

export function checkHash(hash: unknown): string {
  return checkText(hash, 'hash');
}

export function checkSummary(summary: unknown): string {
  return checkText(summary, 'summary', { empty: true });
}
