/**
 * OpenAI's chat framing, as documented in the OpenAI cookbook ("How to count tokens with
 * tiktoken") and implemented by gpt-tokenizer's `countChatCompletionTokens`: every message costs
 * 3 tokens of framing plus its role and content; a name costs 1 more plus its own tokens; the
 * reply is primed with 3 tokens. With function (tool) definitions, the definitions are rendered
 * as a TypeScript namespace (`tool-definitions.ts`) and cost 9 tokens of framing, the first system
 * message gets a trailing newline, and 4 tokens are deducted when there is a system message.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
/** an assistant's tool call: name + arguments + 3, as gpt-tokenizer counts a `function_call` */
export const TOKENS_PER_TOOL_CALL = 3;
export const TOOL_DEFINITIONS_TOKENS = 9;
export const SYSTEM_WITH_TOOLS_DEDUCTION = 4;
/** Images are not text: OpenAI's price of a low-detail image, and of a 1024x1024 high-detail one. */
export const IMAGE_TOKENS_LOW = 85;
export const IMAGE_TOKENS_HIGH = 765;
