import { upstreamError, type ChatRequest } from '@app/core';
import { fromOpenAiResponse, openAiStreamMapper, toOpenAiRequest } from '../openai';
import { jsonFixture, readFixture, replaySse, type ErrorFixture } from '../openai/fixtures/replay';
import { OPENAI_COMPATIBLE_DIALECT } from './dialect';
import { parseOpenAiCompatibleError } from './errors';

const FIXTURES = `${__dirname}/fixtures`;
const context = { provider: 'vllm', requestedModel: 'llama-3.1-8b' };
const stream = (name: string) =>
  replaySse(
    readFixture(FIXTURES, name),
    openAiStreamMapper({
      provider: 'vllm',
      requireDone: OPENAI_COMPATIBLE_DIALECT.requireDone,
    }),
  );
const parseError = (name: string) => {
  const fixture = jsonFixture<ErrorFixture>(FIXTURES, name);
  return parseOpenAiCompatibleError(fixture.body, fixture.status);
};

describe('OpenAI-compatible request', () => {
  it('sends max_tokens, developer as system, text parts as a string, and asks for usage', () => {
    const request: ChatRequest = {
      model: 'llama-3.1-8b',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ],
      maxTokens: 128,
    };
    expect(toOpenAiRequest(request, { stream: true, dialect: OPENAI_COMPATIBLE_DIALECT })).toEqual({
      model: 'llama-3.1-8b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 128,
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe('OpenAI-compatible responses', () => {
  it('reads a vLLM response', () => {
    expect(fromOpenAiResponse(jsonFixture(FIXTURES, 'vllm-response.json'), context)).toEqual({
      id: 'chatcmpl-7c1f0e9d8b7a4c3e9f2d1b0a8e7c6d5f',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      message: { role: 'assistant', content: 'Your order shipped yesterday.' },
      finishReason: 'stop',
      usage: { inputTokens: 48, outputTokens: 6, totalTokens: 54 },
    });
  });

  it('leaves the counting to the gateway when the server reports no usage', () => {
    const response = fromOpenAiResponse(jsonFixture(FIXTURES, 'response-no-usage.json'), context);
    expect(response.usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      estimated: true,
    });
  });

  it('streams vLLM tool calls and its usage chunk', async () => {
    const { chunks, error } = await stream('vllm-stream-tool-calls.sse');
    expect(error).toBeUndefined();
    const deltas = chunks.flatMap((c) => c.delta?.toolCalls ?? []);
    expect(deltas[0]).toEqual({
      index: 0,
      id: 'chatcmpl-tool-5b1e4f2a9c8d4e7f',
      type: 'function',
      function: { name: 'get_weather' },
    });
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join(''))).toEqual({
      city: 'Berlin',
      unit: 'celsius',
    });
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toEqual({ inputTokens: 310, outputTokens: 28, totalTokens: 338 });
  });

  it('streams llama.cpp, whose usage rides on the finish chunk', async () => {
    const { chunks, error } = await stream('llamacpp-stream.sse');
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.delta?.content ?? '').join('')).toBe('Hello! How can I help?');
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
    expect(chunks.at(-1)?.usage).toEqual({ inputTokens: 14, outputTokens: 7, totalTokens: 21 });
  });

  it('completes a stream that ends after its finish reason without [DONE] or usage', async () => {
    const { chunks, error } = await stream('stream-without-done.sse');
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.delta?.content ?? '').join('')).toBe('Sure, here you go.');
    expect(chunks.at(-1)).toMatchObject({ finishReason: 'stop' });
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('fails a stream with neither finish reason nor [DONE]', async () => {
    const { chunks, error } = await stream('stream-cut.sse');
    expect(chunks.map((c) => c.delta?.content ?? '').join('')).toBe('Sure, here');
    expect(error).toMatchObject({ code: 'upstream_stream_cut', retryable: true });
  });
});

describe('parseOpenAiCompatibleError', () => {
  it.each([
    'vllm-error-context-length.json',
    'vllm-error-context-length-v2.json',
    'llamacpp-error-context-size.json',
    'lmstudio-error-context.json',
    'tgi-error-validation.json',
  ])('recognises a context-length error: %s', (name) => {
    const details = parseError(name);
    expect(details.code).toBe('context_length_exceeded');
    const error = upstreamError({
      provider: 'vllm',
      status: 400,
      message: details.message,
      upstreamCode: details.code,
    });
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it('reads other errors without inventing a code', () => {
    expect(parseError('vllm-error-model-not-found.json')).toEqual({
      message: 'The model `gpt-4o` does not exist.',
      code: undefined,
      retryAfterMs: undefined,
    });
    expect(parseError('groq-error-rate-limit.json')).toMatchObject({
      code: 'rate_limit_exceeded',
      retryAfterMs: 7000,
    });
  });

  it('does not guess a context error on server errors', () => {
    expect(
      parseOpenAiCompatibleError({ error: { message: 'maximum context length broke' } }, 500).code,
    ).toBeUndefined();
  });
});
