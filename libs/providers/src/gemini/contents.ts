import {
  GatewayError,
  messageText,
  type ContentPart,
  type Message,
  type ToolCall,
} from '@app/core';
import { requiresThoughtSignatures, SKIP_THOUGHT_SIGNATURE, splitToolCallId } from './tool-call-id';
import type { GeminiContent, GeminiPart } from './wire';

export interface GeminiConversation {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
}

/**
 * Messages to Gemini `contents` + `systemInstruction`. System and developer messages (wherever they
 * are) become the system instruction; assistant turns are `model` turns with text and functionCall
 * parts; tool results are `user` turns with functionResponse parts, named after the call they answer;
 * consecutive turns of the same role are merged, as Gemini expects one turn per side.
 */
export function toGeminiConversation(messages: Message[], model: string): GeminiConversation {
  const system: { text: string }[] = [];
  const turns: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const signCalls = requiresThoughtSignatures(model);

  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = messageText(message);
        if (text) system.push({ text });
        break;
      }
      case 'user':
        turns.push({ role: 'user', parts: userParts(message.content) });
        break;
      case 'assistant':
        for (const call of message.toolCalls ?? []) toolNames.set(call.id, call.function.name);
        turns.push({ role: 'model', parts: assistantParts(message, signCalls) });
        break;
      case 'tool':
        turns.push({ role: 'user', parts: [functionResponsePart(message, toolNames)] });
        break;
    }
  }
  return {
    contents: mergeTurns(turns),
    ...(system.length > 0 && { systemInstruction: { parts: system } }),
  };
}

function userParts(content: Message['content']): GeminiPart[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.flatMap((part: ContentPart): GeminiPart[] => {
    if (part.type === 'text') return part.text ? [{ text: part.text }] : [];
    return [imagePart(part.imageUrl.url)];
  });
}

const DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** data: URLs are sent inline; other URLs (Files API, gs://, http) as file references. */
function imagePart(url: string): GeminiPart {
  const data = DATA_URL.exec(url);
  if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
  if (!/^(https?|gs):\/\//i.test(url)) {
    throw GatewayError.invalidRequest(
      'Image URLs must be http(s), gs:// or base64 data: URLs.',
      'messages',
    );
  }
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  const mimeType = extension ? IMAGE_TYPES[extension] : undefined;
  return { fileData: { fileUri: url, ...(mimeType && { mimeType }) } };
}

function assistantParts(message: Message, signCalls: boolean): GeminiPart[] {
  const text = messageText(message);
  const parts: GeminiPart[] = text ? [{ text }] : [];
  const calls = (message.toolCalls ?? []).map(functionCallPart);
  // Gemini 3 wants the signature it gave on the first call of a turn; calls it did not make get
  // Google's placeholder so the history still validates.
  if (signCalls && calls.length > 0 && !calls.some((call) => call.thoughtSignature)) {
    calls[0].thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  }
  return [...parts, ...calls];
}

function functionCallPart(call: ToolCall): GeminiPart {
  const { wireId, signature } = splitToolCallId(call.id);
  return {
    functionCall: {
      ...(wireId && { id: wireId }),
      name: call.function.name,
      args: parseArguments(call),
    },
    ...(signature && { thoughtSignature: signature }),
  };
}

function parseArguments(call: ToolCall): Record<string, unknown> {
  const raw = call.function.arguments.trim();
  if (!raw) return {};
  let args: unknown;
  try {
    args = JSON.parse(raw);
  } catch {
    args = undefined;
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw GatewayError.invalidRequest(
      `The arguments of tool call '${call.id}' are not a JSON object, which Gemini requires.`,
      'messages',
    );
  }
  return args as Record<string, unknown>;
}

function functionResponsePart(message: Message, toolNames: Map<string, string>): GeminiPart {
  const callId = message.toolCallId ?? '';
  const name = toolNames.get(callId) ?? message.name;
  if (!name) {
    throw GatewayError.invalidRequest(
      `The tool message for call '${callId}' answers no earlier assistant tool call; Gemini needs the function name.`,
      'messages',
    );
  }
  const { wireId } = splitToolCallId(callId);
  return {
    functionResponse: {
      ...(wireId && { id: wireId }),
      name,
      response: toResponseObject(messageText(message)),
    },
  };
}

/**
 * Gemini takes a function result as a JSON object. A result that is a JSON object is passed as is;
 * anything else goes under `output`, the key Google documents for function output.
 */
function toResponseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    /* plain text */
  }
  return { output: text };
}

function mergeTurns(turns: GeminiContent[]): GeminiContent[] {
  const merged: GeminiContent[] = [];
  for (const turn of turns) {
    if (turn.parts.length === 0) continue;
    const last = merged[merged.length - 1];
    if (last && last.role === turn.role) last.parts.push(...turn.parts);
    else merged.push({ role: turn.role, parts: [...turn.parts] });
  }
  return merged;
}
