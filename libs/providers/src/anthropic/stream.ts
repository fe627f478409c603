import type { ChatChunk, FinishReason } from '@app/core';
import { parseEventJson, type StreamMapper, type WireEvent } from '../transport';
import { anthropicStreamError } from './errors';
import { mapAnthropicStopReason } from './stop-reason';
import { NO_TOKENS, readTokenCounts, toUsage, type AnthropicTokenCounts } from './usage';
import { badResponse, isObject, optionalString, type JsonObject } from '../wire/json-guards';

export interface AnthropicStreamState {
  id?: string;
  model?: string;
  /** content block index -> tool-call ordinal, for tool_use blocks only */
  toolIndexByBlock: Map<number, number>;
  finishReason?: FinishReason;
  tokens: AnthropicTokenCounts;
  /** the event kinds seen, to say what a cut stream had got to */
  lastEvent?: string;
  /** message_stop arrived: the only clean end of an Anthropic stream */
  stopped: boolean;
}

/**
 * Anthropic's named SSE events -> ChatChunks:
 * - message_start: a `{role: 'assistant'}` chunk with the message id and model; input and cache
 *   token counts are remembered;
 * - content_block_start: a tool_use block opens a tool call (ToolCallDelta with the call's
 *   ordinal among tool calls, not the content block index, its id and name, empty arguments);
 * - content_block_delta: text_delta -> content, input_json_delta -> argument fragment;
 *   thinking_delta, signature_delta and citations_delta are not part of the answer;
 * - message_delta: the stop reason and the cumulative usage are remembered;
 * - message_stop: the finish chunk, then the one usage chunk; the stream is complete;
 * - ping and event types added later are ignored; `error` fails the stream with a GatewayError.
 * A body that ends before message_stop is a cut stream.
 */
export function anthropicStreamMapper(
  provider = 'anthropic',
  secrets: readonly (string | undefined)[] = [],
): StreamMapper<AnthropicStreamState> {
  return {
    provider,
    createState: () => ({ toolIndexByBlock: new Map(), tokens: NO_TOKENS, stopped: false }),
    onEvent: (event, state) => onEvent(event, state, provider, secrets),
    onEnd: (state) =>
      state.stopped
        ? []
        : { cut: `no message_stop event (last event: ${state.lastEvent ?? 'none'})` },
  };
}

function onEvent(
  event: WireEvent,
  state: AnthropicStreamState,
  provider: string,
  secrets: readonly (string | undefined)[],
): ChatChunk[] {
  if (state.stopped) return [];
  const data = parseEventJson(event);
  if (!isObject(data)) throw badResponse(provider, 'a stream event is not a JSON object');
  const type = optionalString(data.type) ?? event.event;
  state.lastEvent = type;
  switch (type) {
    case 'message_start':
      return onMessageStart(data, state, provider);
    case 'content_block_start':
      return onBlockStart(data, state, provider);
    case 'content_block_delta':
      return onBlockDelta(data, state, provider);
    case 'message_delta':
      return onMessageDelta(data, state);
    case 'message_stop':
      state.stopped = true;
      return [{ finishReason: state.finishReason ?? 'stop' }, { usage: toUsage(state.tokens) }];
    case 'error':
      throw anthropicStreamError(provider, data, secrets);
    default:
      // ping, content_block_stop, and event types Anthropic may add: nothing to emit.
      return [];
  }
}

function onMessageStart(data: JsonObject, state: AnthropicStreamState, provider: string) {
  const message = data.message;
  if (!isObject(message)) throw badResponse(provider, 'message_start has no message');
  state.id = optionalString(message.id);
  state.model = optionalString(message.model);
  state.tokens = readTokenCounts(message.usage, state.tokens);
  return [{ id: state.id, model: state.model, delta: { role: 'assistant' as const } }];
}

function blockIndex(data: JsonObject, provider: string): number {
  if (typeof data.index !== 'number')
    throw badResponse(provider, `${String(data.type)} has no index`);
  return data.index;
}

function onBlockStart(data: JsonObject, state: AnthropicStreamState, provider: string) {
  const index = blockIndex(data, provider);
  const block = data.content_block;
  if (!isObject(block)) throw badResponse(provider, 'content_block_start has no content_block');
  if (block.type === 'text') {
    const text = optionalString(block.text);
    return text ? [{ delta: { content: text } }] : [];
  }
  if (block.type !== 'tool_use') return [];
  if (typeof block.id !== 'string' || typeof block.name !== 'string') {
    throw badResponse(provider, 'a tool_use block has no id or name');
  }
  const ordinal = state.toolIndexByBlock.size;
  state.toolIndexByBlock.set(index, ordinal);
  return [
    {
      delta: {
        toolCalls: [
          {
            index: ordinal,
            id: block.id,
            type: 'function' as const,
            function: { name: block.name, arguments: '' },
          },
        ],
      },
    },
  ];
}

function onBlockDelta(data: JsonObject, state: AnthropicStreamState, provider: string) {
  const index = blockIndex(data, provider);
  const delta = data.delta;
  if (!isObject(delta)) throw badResponse(provider, 'content_block_delta has no delta');
  if (delta.type === 'text_delta') {
    const text = optionalString(delta.text);
    return text ? [{ delta: { content: text } }] : [];
  }
  if (delta.type === 'input_json_delta') {
    // server-tool blocks (web search...) also stream input_json_delta: only client tool calls count
    const ordinal = state.toolIndexByBlock.get(index);
    const fragment = optionalString(delta.partial_json);
    if (ordinal === undefined || !fragment) return [];
    return [{ delta: { toolCalls: [{ index: ordinal, function: { arguments: fragment } }] } }];
  }
  return [];
}

function onMessageDelta(data: JsonObject, state: AnthropicStreamState): ChatChunk[] {
  const delta = isObject(data.delta) ? data.delta : {};
  if (delta.stop_reason !== undefined && delta.stop_reason !== null) {
    state.finishReason = mapAnthropicStopReason(delta.stop_reason);
  }
  // usage here is cumulative: output_tokens is the total so far, not an increment
  state.tokens = readTokenCounts(data.usage, state.tokens);
  return [];
}
