import { firstValueFrom, from, toArray } from 'rxjs';
import { GatewayError, type ChatChunk } from '@app/core';
import { mapWireStream, type WireEvent } from '../transport';
import { loadSse } from './fixtures/load-fixture';
import { anthropicStreamMapper } from './stream';

function run(events: WireEvent[]): Promise<ChatChunk[]> {
  return firstValueFrom(
    from(events).pipe(mapWireStream(anthropicStreamMapper('anthropic-eu')), toArray()),
  );
}

async function runToError(
  events: WireEvent[],
): Promise<{ chunks: ChatChunk[]; error: GatewayError }> {
  const chunks: ChatChunk[] = [];
  return new Promise((resolve, reject) => {
    from(events)
      .pipe(mapWireStream(anthropicStreamMapper('anthropic-eu')))
      .subscribe({
        next: (chunk) => chunks.push(chunk),
        error: (error: unknown) =>
          error instanceof GatewayError
            ? resolve({ chunks, error })
            : reject(error instanceof Error ? error : new Error(String(error))),
        complete: () => reject(new Error('the stream completed')),
      });
  });
}

const text = (chunks: ChatChunk[]) => chunks.map((c) => c.delta?.content ?? '').join('');

describe('anthropicStreamMapper', () => {
  it('streams text, ignores pings, ends with one finish chunk then one usage chunk', async () => {
    const chunks = await run(loadSse('stream-text-cached.sse'));
    expect(chunks[0]).toEqual({
      id: 'msg_01HqGv6s4fZP3Lm9cYtWb2Xk',
      model: 'claude-sonnet-4-5-20250929',
      delta: { role: 'assistant' },
    });
    expect(text(chunks)).toBe('Your order #4411 shipped on Tuesday and should arrive by Friday.');
    expect(chunks.slice(-2)).toEqual([
      { finishReason: 'stop' },
      {
        usage: {
          inputTokens: 21 + 188 + 1800,
          outputTokens: 17,
          totalTokens: 2026,
          cachedInputTokens: 1800,
          cacheWriteTokens: 188,
        },
      },
    ]);
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
    expect(chunks.filter((c) => c.finishReason)).toHaveLength(1);
  });

  it('streams tool calls with their ordinal (not the block index), id and name, then arguments', async () => {
    const chunks = await run(loadSse('stream-tool-use.sse'));
    const deltas = chunks.flatMap((c) => c.delta?.toolCalls ?? []);
    expect(deltas).toEqual([
      {
        index: 0,
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
      { index: 0, function: { arguments: '{"location": "San Fra' } },
      { index: 0, function: { arguments: 'ncisco, CA", "unit": "celsius"}' } },
      {
        index: 1,
        id: 'toolu_01QmB3bVcyL2h8wXnZp6RsTe',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
      { index: 1, function: { arguments: '{"location": "New York, NY",' } },
      { index: 1, function: { arguments: ' "unit": "celsius"}' } },
    ]);
    const args = (i: number) =>
      deltas
        .filter((d) => d.index === i)
        .map((d) => d.function?.arguments)
        .join('');
    expect(JSON.parse(args(0))).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
    expect(JSON.parse(args(1))).toEqual({ location: 'New York, NY', unit: 'celsius' });
    expect(text(chunks)).toBe("I'll check the weather in both cities.");
    expect(chunks.slice(-2)).toEqual([
      { finishReason: 'tool_calls' },
      { usage: { inputTokens: 472, outputTokens: 121, totalTokens: 593 } },
    ]);
  });

  it('leaves thinking and signature deltas out, and reports thinking tokens', async () => {
    const chunks = await run(loadSse('stream-thinking-max-tokens.sse'));
    expect(text(chunks)).toBe('I can see the duplicate charge; it will');
    expect(chunks.slice(-2)).toEqual([
      { finishReason: 'length' },
      { usage: { inputTokens: 96, outputTokens: 64, totalTokens: 160, reasoningTokens: 52 } },
    ]);
  });

  it('fails with overloaded_error on an in-stream error event, after the text so far', async () => {
    const { chunks, error } = await runToError(loadSse('stream-overloaded.sse'));
    expect(text(chunks)).toBe('Sure, here');
    expect(chunks.some((c) => c.finishReason || c.usage)).toBe(false);
    expect(error).toMatchObject({
      code: 'overloaded_error',
      status: 503,
      retryable: true,
      provider: 'anthropic-eu',
    });
  });

  it.each(['stream-cut.sse', 'stream-cut-after-message-delta.sse'])(
    'reports a body that ends before message_stop as cut (%s)',
    async (fixture) => {
      const { chunks, error } = await runToError(loadSse(fixture));
      expect(chunks.some((c) => c.finishReason || c.usage)).toBe(false);
      expect(error).toMatchObject({ code: 'upstream_stream_cut', retryable: true });
    },
  );

  it('reports an empty body as cut', async () => {
    const { error } = await runToError([]);
    expect(error.code).toBe('upstream_stream_cut');
    expect(error.message).toContain('last event: none');
  });

  it.each([
    ['unparseable data', { event: 'content_block_delta', data: '{"type":' }],
    ['a non-object event', { event: 'message_start', data: '[1]' }],
    ['message_start without message', { event: 'message_start', data: '{"type":"message_start"}' }],
    [
      'a delta without index',
      { event: 'content_block_delta', data: '{"type":"content_block_delta","delta":{}}' },
    ],
  ])('fails with upstream_bad_response on %s', async (_what, event) => {
    const { error } = await runToError([event]);
    expect(error).toMatchObject({ code: 'upstream_bad_response', status: 502, retryable: true });
  });

  it('ignores unknown event and delta types and events after message_stop', async () => {
    const events = loadSse('stream-text-cached.sse');
    const stop = events.pop()!;
    events.push(
      { event: 'future_event', data: '{"type":"future_event"}' },
      {
        event: 'content_block_delta',
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}',
      },
      stop,
      {
        event: 'content_block_delta',
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}',
      },
    );
    const chunks = await run(events);
    expect(text(chunks)).not.toContain('late');
    expect(chunks[chunks.length - 1].usage).toBeDefined();
  });
});
