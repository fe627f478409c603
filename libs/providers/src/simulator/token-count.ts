import { messageText, type Message, type ToolDefinition } from '@app/core';
import { o200k } from './o200k';

/**
 * Token counting with the o200k_base encoding (GPT-4o and later), with OpenAI's chat overheads:
 * about 3 tokens of framing per message, 1 more when it has a name, 3 to prime the reply.
 */

/** special-token text in user content (e.g. `<|endoftext|>`) is counted as ordinary text */
export const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
export const TOKENS_PER_TOOL_CALL = 3;
/** framing of the tool definitions block */
export const TOOLS_OVERHEAD_TOKENS = 12;
/** estimates for images: OpenAI's price of a low-detail image, and of a 1024x1024 high-detail one */
export const IMAGE_TOKENS_LOW = 85;
export const IMAGE_TOKENS_HIGH = 765;

const CACHE_MAX_ENTRIES = 2_000;
const CACHE_MAX_CHARS = 8_000_000;
const CACHE_MAX_ENTRY_CHARS = 400_000;

/** An LRU of counts keyed by the text, bounded by entries and by total characters held. */
class CountCache {
  private readonly counts = new Map<string, number>();
  private chars = 0;

  get(text: string): number | undefined {
    const count = this.counts.get(text);
    if (count !== undefined) {
      this.counts.delete(text);
      this.counts.set(text, count);
    }
    return count;
  }

  set(text: string, count: number): void {
    if (text.length > CACHE_MAX_ENTRY_CHARS) return;
    this.counts.set(text, count);
    this.chars += text.length;
    while (this.counts.size > CACHE_MAX_ENTRIES || this.chars > CACHE_MAX_CHARS) {
      const oldest = this.counts.keys().next().value;
      if (oldest === undefined) break;
      this.counts.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}

const cache = new CountCache();

/** Tokens of a text; repeated texts (system prompts, history) are served from a bounded cache. */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const count = o200k().countTokens(text, PLAIN_TEXT);
  cache.set(text, count);
  return count;
}

/** Tokens of a text without touching the cache (for one-off texts such as generated replies). */
export function countFreshTokens(text: string): number {
  return text.length === 0 ? 0 : o200k().countTokens(text, PLAIN_TEXT);
}

function contentTokens(content: Message['content']): number {
  if (content === null || typeof content === 'string') return countTextTokens(content ?? '');
  let total = 0;
  for (const part of content) {
    if (part.type === 'text') total += countTextTokens(part.text);
    else total += part.imageUrl.detail === 'low' ? IMAGE_TOKENS_LOW : IMAGE_TOKENS_HIGH;
  }
  return total;
}

function messageTokens(message: Message): number {
  let total = TOKENS_PER_MESSAGE + countTextTokens(message.role) + contentTokens(message.content);
  if (message.name) total += TOKENS_PER_NAME + countTextTokens(message.name);
  for (const call of message.toolCalls ?? []) {
    total +=
      TOKENS_PER_TOOL_CALL +
      countTextTokens(call.function.name) +
      countTextTokens(call.function.arguments);
  }
  return total;
}

/** Prompt tokens of a chat request as OpenAI would bill them (tool definitions estimated). */
export function countPromptTokens(messages: readonly Message[], tools?: readonly ToolDefinition[]) {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) total += messageTokens(message);
  if (tools && tools.length > 0) {
    total += TOOLS_OVERHEAD_TOKENS;
    for (const tool of tools) total += countTextTokens(JSON.stringify(tool.function));
  }
  return total;
}

/** The text of the last user message ('' when there is none). */
export function lastUserText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') return messageText(messages[i]);
  }
  return '';
}
