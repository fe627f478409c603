import { GatewayError, type ChatChunk } from '@app/core';
import { readFixture, replaySse } from './fixtures/replay';
import { openAiStreamMapper, type OpenAiStreamOptions } from './stream';

const FIXTURES = `${__dirname}/fixtures`;
const strict: OpenAiStreamOptions = { provider: 'openai-us', requireDone: true };
const replay = (name: string, options = strict) =>
  replaySse(readFixture(FIXTURES, name), openAiStreamMapper(options));

const text = (chunks: ChatChunk[]) => chunks.map((c) => c.delta?.content ?? '').join('');

describe('openAiStreamMapper', () => {
  it('streams text deltas, the finish reason, then usage with cached tokens', async () => {
    const { chunks, error } = await replay('stream-text.sse');
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe('Your order #4411 shipped yesterday.');
    // the role-only opening delta, then one chunk per content delta
    expect(chunks[0].delta).toEqual({ role: 'assistant' });
    expect(chunks.filter((c) => c.delta).length).toBe(9);
    expect(chunks.at(-2)).toEqual({
      id: 'chatcmpl-CbK7Tx5Yc3Vb1Nm9Kj7Hg5Fd3Sa1Q',
      model: 'gpt-4o-mini-2024-07-18',
      finishReason: 'stop',
    });
    expect(chunks.at(-1)?.usage).toEqual({
      inputTokens: 1843,
      outputTokens: 9,
      totalTokens: 1852,
      cachedInputTokens: 1664,
    });
    // the role-only first chunk opens the stream; the text follows
    expect(chunks[1].delta).toEqual({ content: 'Your' });
  });

  it('streams parallel tool calls as indexed fragments', async () => {
    const { chunks, error } = await replay('stream-parallel-tool-calls.sse');
    expect(error).toBeUndefined();
    const deltas = chunks.flatMap((c) => c.delta?.toolCalls ?? []);
    expect(deltas[0]).toEqual({
      index: 0,
      id: 'call_Vq3kR8sNf2LpXz6YbT1mWc9D',
      type: 'function',
      function: { name: 'get_order_status', arguments: '' },
    });
    expect(deltas[1]).toEqual({ index: 0, function: { arguments: '{"or' } });
    const args = (index: number) =>
      deltas
        .filter((d) => d.index === index)
        .map((d) => d.function?.arguments ?? '')
        .join('');
    expect(JSON.parse(args(0))).toEqual({ order_id: '4411' });
    expect(JSON.parse(args(1))).toEqual({ order_id: '4411', country: 'DE' });
    expect(deltas.filter((d) => d.id).map((d) => d.function?.name)).toEqual([
      'get_order_status',
      'get_shipping_eta',
    ]);
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage?.outputTokens).toBe(58);
  });

  it('streams a refusal', async () => {
    const { chunks } = await replay('stream-refusal.sse');
    expect(chunks.map((c) => c.delta?.refusal ?? '').join('')).toBe(
      "I'm sorry, I can't help with that request.",
    );
    expect(text(chunks)).toBe('');
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('stop');
  });

  it('reports length with reasoning tokens', async () => {
    const { chunks } = await replay('stream-length.sse');
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('length');
    expect(chunks.at(-1)?.usage).toEqual({
      inputTokens: 64,
      outputTokens: 256,
      totalTokens: 320,
      reasoningTokens: 240,
    });
  });

  it('reports content_filter', async () => {
    const { chunks } = await replay('stream-content-filter.sse');
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('content_filter');
  });

  it('fails a stream that ends without [DONE], even after its finish reason', async () => {
    for (const name of ['stream-cut-after-finish.sse', 'stream-cut-mid-content.sse']) {
      const { error } = await replay(name);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: 'upstream_stream_cut', retryable: true });
    }
  });

  it('fails on an in-stream server error, retryably, after the text already sent', async () => {
    const { chunks, error } = await replay('stream-server-error.sse');
    expect(text(chunks)).toBe('Let me');
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 502,
      code: 'upstream_error',
      retryable: true,
      provider: 'openai-us',
      upstreamStatus: 200,
    });
    expect((error as GatewayError).message).toMatch(/mid-stream: The server had an error/);
  });

  it('keeps in-stream client errors non-retryable and scrubs secrets from them', async () => {
    const sse =
      'data: {"error":{"message":"This model\'s maximum context length is 8192 tokens, key sk-proj-abcdefghijklmnop","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}\n\n';
    const { error } = await replaySse(sse, openAiStreamMapper({ ...strict, secrets: ['nope'] }));
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', retryable: false });
    expect((error as GatewayError).message).not.toContain('sk-proj');
  });

  it('treats in-stream rate limits as retryable overload', async () => {
    const sse =
      'data: {"error":{"message":"slow down","type":"tokens","code":"rate_limit_exceeded"}}\n\n';
    const { error } = await replaySse(sse, openAiStreamMapper(strict));
    expect(error).toMatchObject({ status: 503, code: 'rate_limit_exceeded', retryable: true });
  });

  it('rejects an unreadable event as a bad response', async () => {
    const { error } = await replaySse('data: {"choices": [\n\n', openAiStreamMapper(strict));
    expect(error).toMatchObject({ code: 'upstream_bad_response', retryable: true });
  });

  it('fails a stream with [DONE] but no finish reason', async () => {
    const sse = 'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n';
    const { error } = await replaySse(sse, openAiStreamMapper(strict));
    expect(error).toMatchObject({ code: 'upstream_stream_cut' });
  });

  describe('without requireDone (OpenAI-compatible servers)', () => {
    const lenient = { provider: 'vllm', requireDone: false };

    it('completes a stream that sent its finish reason and ended', async () => {
      const { chunks, error } = await replay('stream-cut-after-finish.sse', lenient);
      expect(error).toBeUndefined();
      expect(chunks.at(-1)?.usage?.inputTokens).toBe(1843);
    });

    it('still fails a stream with neither finish reason nor [DONE]', async () => {
      const { error } = await replay('stream-cut-mid-content.sse', lenient);
      expect(error).toMatchObject({ code: 'upstream_stream_cut' });
    });

    it('emits usage attached to the finish chunk (llama.cpp) once, at the end', async () => {
      const sse =
        'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}\n\n' +
        'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n';
      const { chunks, error } = await replaySse(sse, openAiStreamMapper(lenient));
      expect(error).toBeUndefined();
      expect(chunks.filter((c) => c.usage)).toEqual([
        { usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } },
      ]);
      expect(chunks.at(-1)).toEqual({ usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } });
    });
  });
});
