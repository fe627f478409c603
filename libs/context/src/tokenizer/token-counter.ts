import type { ContentPart, Message, ToolDefinition } from '@app/core';
import { BoundedLru, type BoundedLruLimits } from './bounded-lru';
import { bpeEncoding, type BpeEncoding } from './bpe-encodings';
import {
  IMAGE_TOKENS_HIGH,
  IMAGE_TOKENS_LOW,
  REPLY_PRIMING_TOKENS,
  SYSTEM_WITH_TOOLS_DEDUCTION,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  TOKENS_PER_TOOL_CALL,
  TOOL_DEFINITIONS_TOKENS,
} from './chat-framing';
import { estimateTokens } from './estimator';
import { encodingForModel, type BpeEncodingName } from './model-encoding';
import { formatToolDefinitions } from './tool-definitions';

export interface CountTextOptions {
  /** false for one-off texts (document chunks) that should not push history out of the cache */
  cache?: boolean;
}

/** Counts prompt tokens the way the target model's API will. */
export interface TokenCounter {
  /** true when counts for the model are exact (OpenAI encodings), false when estimated */
  isExact(model: string): boolean;
  countText(text: string, model: string, options?: CountTextOptions): number;
  /** One message with its framing: the additive part of `countMessages`. */
  countMessage(message: Message, model: string): number;
  /** The prompt: messages, their framing, reply priming and tool definitions. */
  countMessages(
    messages: readonly Message[],
    model: string,
    tools?: readonly ToolDefinition[],
  ): number;
  /** The longest prefix of `text` with at most `maxTokens` tokens (never splits a character). */
  truncateText(text: string, model: string, maxTokens: number): string;
}

export interface TokenCounterOptions {
  /** bounds of each encoding's text -> count cache */
  cache?: Partial<BoundedLruLimits>;
}

export const DEFAULT_COUNT_CACHE: BoundedLruLimits = { maxEntries: 20_000, maxChars: 8_000_000 };

/** A message's count, valid while the message still holds these values. */
interface MessageMemo {
  backend: Backend;
  role: Message['role'];
  name: string | undefined;
  content: string | null;
  count: number;
}

interface Backend {
  exact: boolean;
  count(text: string, cache: boolean): number;
  truncate(text: string, maxTokens: number): string;
}

/**
 * Exact counts for OpenAI models (o200k_base / cl100k_base, loaded on first use), the character
 * class estimate for everything else. Text counts are cached per encoding (and for the estimate)
 * in a bounded LRU keyed by the text, so a conversation that is resent with one more turn costs
 * one lookup per message.
 */
export class DefaultTokenCounter implements TokenCounter {
  private readonly limits: BoundedLruLimits;
  private readonly backends = new Map<BpeEncodingName, Backend>();
  private estimate?: Backend;
  private readonly memo = new WeakMap<Message, MessageMemo>();
  private readonly modelBackends = new Map<string, Backend>();

  constructor(options: TokenCounterOptions = {}) {
    this.limits = { ...DEFAULT_COUNT_CACHE, ...options.cache };
  }

  isExact(model: string): boolean {
    return this.backend(model).exact;
  }

  countText(text: string, model: string, options?: CountTextOptions): number {
    if (text.length === 0) return 0;
    return this.backend(model).count(text, options?.cache !== false);
  }

  countMessage(message: Message, model: string): number {
    return this.messageTokens(message, this.backend(model), false);
  }

  countMessages(
    messages: readonly Message[],
    model: string,
    tools?: readonly ToolDefinition[],
  ): number {
    const backend = this.backend(model);
    const withTools = tools !== undefined && tools.length > 0;
    let total = REPLY_PRIMING_TOKENS;
    let sawSystem = false;
    for (const message of messages) {
      const firstSystem = message.role === 'system' && !sawSystem;
      if (message.role === 'system') sawSystem = true;
      total += this.messageTokens(message, backend, withTools && firstSystem);
    }
    if (withTools) {
      total += backend.count(formatToolDefinitions(tools), true) + TOOL_DEFINITIONS_TOKENS;
      if (sawSystem) total -= SYSTEM_WITH_TOOLS_DEDUCTION;
    }
    return total;
  }

  truncateText(text: string, model: string, maxTokens: number): string {
    if (maxTokens <= 0 || text.length === 0) return '';
    return this.backend(model).truncate(text, Math.floor(maxTokens));
  }

  /**
   * The fitter counts the same message objects several times per request (the whole prompt,
   * each turn, each candidate): those counts come from a per-object memo, checked against the
   * fields it was computed from. Messages with tool calls or content parts are not memoised
   * (arrays can be edited in place).
   */
  private messageTokens(message: Message, backend: Backend, padSystem: boolean): number {
    if (padSystem || message.toolCalls !== undefined || Array.isArray(message.content)) {
      return this.countMessageFields(message, backend, padSystem);
    }
    const memo = this.memo.get(message);
    if (
      memo !== undefined &&
      memo.backend === backend &&
      memo.content === message.content &&
      memo.role === message.role &&
      memo.name === message.name
    ) {
      return memo.count;
    }
    const count = this.countMessageFields(message, backend, false);
    const { role, name, content } = message;
    if (!Array.isArray(content)) this.memo.set(message, { backend, role, name, content, count });
    return count;
  }

  private countMessageFields(message: Message, backend: Backend, padSystem: boolean): number {
    let total = TOKENS_PER_MESSAGE + backend.count(message.role, true);
    total += contentTokens(message.content, backend, padSystem);
    if (message.name) total += TOKENS_PER_NAME + backend.count(message.name, true);
    if (message.toolCalls) {
      for (const call of message.toolCalls) {
        total += TOKENS_PER_TOOL_CALL;
        total += countNonEmpty(backend, call.function.name);
        total += countNonEmpty(backend, call.function.arguments);
      }
    }
    return total;
  }

  private backend(model: string): Backend {
    let backend = this.modelBackends.get(model);
    if (backend === undefined) {
      const encoding = encodingForModel(model);
      backend = encoding === undefined ? this.estimateBackend() : this.bpeBackend(encoding);
      if (this.modelBackends.size > 1_000) this.modelBackends.clear();
      this.modelBackends.set(model, backend);
    }
    return backend;
  }

  private estimateBackend(): Backend {
    this.estimate ??= createEstimateBackend(new BoundedLru<number>(this.limits));
    return this.estimate;
  }

  private bpeBackend(name: BpeEncodingName): Backend {
    let backend = this.backends.get(name);
    if (backend === undefined) {
      backend = createBpeBackend(name, new BoundedLru<number>(this.limits));
      this.backends.set(name, backend);
    }
    return backend;
  }
}

function countNonEmpty(backend: Backend, text: string): number {
  return text.length === 0 ? 0 : backend.count(text, true);
}

function contentTokens(content: Message['content'], backend: Backend, padSystem: boolean): number {
  if (content === null || content.length === 0) return 0;
  if (typeof content === 'string') {
    // gpt-tokenizer (and OpenAI's own counting) appends a newline to the first system message
    // when functions are present
    const text = padSystem && !content.endsWith('\n') ? `${content}\n` : content;
    return backend.count(text, true);
  }
  return partsTokens(content, backend);
}

function partsTokens(parts: readonly ContentPart[], backend: Backend): number {
  let total = 0;
  for (const part of parts) {
    if (part.type === 'text') total += countNonEmpty(backend, part.text);
    else total += part.imageUrl.detail === 'low' ? IMAGE_TOKENS_LOW : IMAGE_TOKENS_HIGH;
  }
  return total;
}

function cachedCount(
  cache: BoundedLru<number>,
  text: string,
  useCache: boolean,
  count: (text: string) => number,
): number {
  if (text.length === 0) return 0;
  if (!useCache) return count(text);
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const counted = count(text);
  cache.set(text, counted);
  return counted;
}

function createEstimateBackend(cache: BoundedLru<number>): Backend {
  return {
    exact: false,
    count: (text, useCache) => cachedCount(cache, text, useCache, estimateTokens),
    truncate: (text, maxTokens) => truncateByEstimate(text, maxTokens),
  };
}

/** The encoding itself is loaded lazily, on the first count that needs it. */
function createBpeBackend(name: BpeEncodingName, cache: BoundedLru<number>): Backend {
  let encoding: BpeEncoding | undefined;
  const get = (): BpeEncoding => (encoding ??= bpeEncoding(name));
  const count = (text: string): number => get().count(text);
  return {
    exact: true,
    count: (text, useCache) => cachedCount(cache, text, useCache, count),
    truncate(text, maxTokens) {
      const bpe = get();
      const tokens = bpe.encode(text);
      if (tokens.length <= maxTokens) return text;
      for (let keep = maxTokens; keep > 0; keep--) {
        // a cut inside a multi-byte character decodes to U+FFFD: drop it
        const prefix = bpe.decode(tokens.slice(0, keep)).replace(/\uFFFD+$/, '');
        if (text.startsWith(prefix) && bpe.count(prefix) <= maxTokens) return prefix;
      }
      return '';
    },
  };
}

/** Longest prefix (at a code point boundary) whose estimate is within the limit. */
function truncateByEstimate(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimateTokens(text.slice(0, mid)) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  const last = text.charCodeAt(low - 1);
  if (low > 0 && last >= 0xd800 && last <= 0xdbff) low--;
  return text.slice(0, low);
}
