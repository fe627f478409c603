import { makeUsage, type Usage } from '@app/core';
import {
  badResponse,
  isObject,
  optionalCount,
  optionalString,
  type JsonObject,
} from '../wire/json-guards';

export interface GeminiFunctionCall {
  id?: string;
  name: string;
  args: Record<string, unknown>;
  thoughtSignature?: string;
}

/** What the gateway reads from one GenerateContentResponse (a whole answer, or one stream event). */
export interface GeminiChunk {
  id?: string;
  model?: string;
  hasCandidate: boolean;
  /** the visible text of the first candidate; thought summaries are left out */
  text: string;
  functionCalls: GeminiFunctionCall[];
  finishReason?: string;
  /** promptFeedback.blockReason: the prompt itself was blocked and no candidate was made */
  blockReason?: string;
  usage?: Usage;
}

/** Reads a GenerateContentResponse defensively; a body of the wrong shape is a bad response. */
export function readGeminiChunk(body: unknown, provider: string): GeminiChunk {
  if (!isObject(body)) throw badResponse(provider, 'the body is not a JSON object');
  const { candidates } = body;
  if (candidates !== undefined && !Array.isArray(candidates)) {
    throw badResponse(provider, '`candidates` is not an array');
  }
  const candidate: unknown = candidates?.[0];
  if (candidate !== undefined && !isObject(candidate)) {
    throw badResponse(provider, 'a candidate is not an object');
  }
  const parts = candidate ? readParts(candidate, provider) : [];
  const promptFeedback = isObject(body.promptFeedback) ? body.promptFeedback : undefined;
  return {
    id: optionalString(body.responseId),
    model: optionalString(body.modelVersion),
    hasCandidate: candidate !== undefined,
    text: parts
      .filter((part) => part.thought !== true && typeof part.text === 'string')
      .map((part) => part.text as string)
      .join(''),
    functionCalls: parts.flatMap((part) => functionCall(part, provider)),
    finishReason: optionalString(candidate?.finishReason),
    blockReason: optionalString(promptFeedback?.blockReason),
    usage: readUsage(body.usageMetadata),
  };
}

function readParts(candidate: JsonObject, provider: string): JsonObject[] {
  const { content } = candidate;
  if (content === undefined) return [];
  if (!isObject(content)) throw badResponse(provider, 'candidate `content` is not an object');
  const { parts } = content;
  if (parts === undefined) return [];
  if (!Array.isArray(parts) || !parts.every(isObject)) {
    throw badResponse(provider, 'candidate `parts` is not an array of objects');
  }
  for (const part of parts) {
    if (part.text !== undefined && typeof part.text !== 'string') {
      throw badResponse(provider, 'a part has a non-string `text`');
    }
  }
  return parts;
}

function functionCall(part: JsonObject, provider: string): GeminiFunctionCall[] {
  const call = part.functionCall;
  if (call === undefined) return [];
  if (!isObject(call) || typeof call.name !== 'string') {
    throw badResponse(provider, 'a functionCall part has no name');
  }
  if (call.args !== undefined && !isObject(call.args)) {
    throw badResponse(provider, 'functionCall `args` is not an object');
  }
  return [
    {
      id: optionalString(call.id),
      name: call.name,
      args: call.args ?? {},
      thoughtSignature: optionalString(part.thoughtSignature),
    },
  ];
}

/**
 * usageMetadata to Usage. `promptTokenCount` includes the cached content; tokens of tool-use prompts
 * (e.g. grounding results) are input too. Gemini counts thoughts apart from the candidates, so the
 * output is candidates + thoughts, and thoughts are the reasoning subset.
 */
export function readUsage(metadata: unknown): Usage | undefined {
  if (!isObject(metadata)) return undefined;
  const prompt = optionalCount(metadata.promptTokenCount) ?? 0;
  const toolUse = optionalCount(metadata.toolUsePromptTokenCount) ?? 0;
  const candidates = optionalCount(metadata.candidatesTokenCount) ?? 0;
  const thoughts = optionalCount(metadata.thoughtsTokenCount) ?? 0;
  return makeUsage(prompt + toolUse, candidates + thoughts, {
    cachedInputTokens: optionalCount(metadata.cachedContentTokenCount),
    reasoningTokens: thoughts,
  });
}
