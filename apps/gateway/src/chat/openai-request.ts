import {
  GatewayError,
  type ChatRequest,
  type ContentPart,
  type Message,
  type ResponseFormat,
} from '@app/core';
import type { ChatCompletionRequestDto } from './dto/chat-completion.dto';
import type { ChatMessageDto, ContentPartWire } from './dto/message.dto';

/** Maps a validated OpenAI request body to the provider-neutral ChatRequest. */
export function toChatRequest(dto: ChatCompletionRequestDto): ChatRequest {
  const request: ChatRequest = { model: dto.model, messages: dto.messages.map(toMessage) };
  assign(request, 'temperature', dto.temperature);
  assign(request, 'topP', dto.top_p);
  assign(request, 'maxTokens', dto.max_completion_tokens ?? dto.max_tokens);
  const stop = typeof dto.stop === 'string' ? [dto.stop] : dto.stop;
  if (stop?.length) request.stop = stop;
  assign(request, 'seed', dto.seed);
  assign(request, 'presencePenalty', dto.presence_penalty);
  assign(request, 'frequencyPenalty', dto.frequency_penalty);
  if (dto.tools?.length) {
    request.tools = dto.tools.map((tool) => ({
      type: 'function',
      function: stripUndefined({
        name: tool.function.name,
        description: tool.function.description,
        parameters: tool.function.parameters,
        strict: tool.function.strict,
      }),
    }));
  }
  if (dto.tool_choice !== undefined) {
    if (typeof dto.tool_choice !== 'string' && !dto.tools?.length) {
      throw GatewayError.invalidRequest(
        'tool_choice names a function but no tools were given.',
        'tool_choice',
      );
    }
    request.toolChoice = dto.tool_choice;
  }
  assign(request, 'parallelToolCalls', dto.parallel_tool_calls);
  if (dto.response_format) request.responseFormat = toResponseFormat(dto);
  assign(request, 'user', dto.user);
  if (dto.stream) request.includeUsage = dto.stream_options?.include_usage === true;
  return request;
}

function toMessage(dto: ChatMessageDto, index: number): Message {
  const param = `messages[${index}]`;
  const content = dto.content === undefined ? null : dto.content;
  if (content === null && !(dto.role === 'assistant' && dto.tool_calls?.length)) {
    throw GatewayError.invalidRequest(
      `${param}.content is required for a ${dto.role} message.`,
      `${param}.content`,
    );
  }
  if (dto.role === 'tool' && !dto.tool_call_id) {
    throw GatewayError.invalidRequest(
      `${param}.tool_call_id is required for a tool message.`,
      `${param}.tool_call_id`,
    );
  }
  if (dto.tool_calls?.length && dto.role !== 'assistant') {
    throw GatewayError.invalidRequest(
      `${param}.tool_calls is only allowed on assistant messages.`,
      `${param}.tool_calls`,
    );
  }
  const message: Message = {
    role: dto.role,
    content: Array.isArray(content) ? content.map(toContentPart) : content,
  };
  if (dto.name !== undefined) message.name = dto.name;
  if (dto.tool_calls?.length) {
    message.toolCalls = dto.tool_calls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.function.name, arguments: call.function.arguments },
    }));
  }
  if (dto.tool_call_id !== undefined) message.toolCallId = dto.tool_call_id;
  return message;
}

function toContentPart(part: ContentPartWire): ContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return {
    type: 'image_url',
    imageUrl: stripUndefined({ url: part.image_url.url, detail: part.image_url.detail }),
  };
}

function toResponseFormat(dto: ChatCompletionRequestDto): ResponseFormat {
  const format = dto.response_format!;
  if (format.type !== 'json_schema') return { type: format.type };
  if (!format.json_schema) {
    throw GatewayError.invalidRequest(
      'response_format.json_schema is required when type is json_schema.',
      'response_format.json_schema',
    );
  }
  return {
    type: 'json_schema',
    jsonSchema: stripUndefined({
      name: format.json_schema.name,
      description: format.json_schema.description,
      schema: format.json_schema.schema,
      strict: format.json_schema.strict,
    }),
  };
}

function assign<K extends keyof ChatRequest>(target: ChatRequest, key: K, value: ChatRequest[K]) {
  if (value !== undefined && value !== null) target[key] = value;
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
