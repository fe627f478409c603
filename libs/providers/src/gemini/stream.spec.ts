import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { from } from 'rxjs';
import type { ChatChunk } from '@app/core';
import { createStreamDecoder, mapWireStream, type WireEvent } from '../transport';
import { geminiStreamMapper } from './stream';

/** Decodes a recorded SSE body with the transport's decoder and maps it as the client does. */
function events(name: string): WireEvent[] {
  const decoder = createStreamDecoder('sse');
  const out: WireEvent[] = [];
  decoder.push(readFileSync(join(__dirname, 'fixtures', name)), (event) => out.push(event));
  decoder.end((event) => out.push(event));
  return out;
}

async function collect(name: string): Promise<{ chunks: ChatChunk[]; error?: unknown }> {
  const chunks: ChatChunk[] = [];
  return new Promise((resolve) => {
    from(events(name))
      .pipe(mapWireStream(geminiStreamMapper('gemini-test')))
      .subscribe({
        next: (chunk) => chunks.push(chunk),
        error: (error: unknown) => resolve({ chunks, error }),
        complete: () => resolve({ chunks }),
      });
  });
}

describe('geminiStreamMapper', () => {
  it('streams text deltas, then the finish reason, then usage with thoughts', async () => {
    const { chunks, error } = await collect('stream-text.sse');
    expect(error).toBeUndefined();
    const meta = { id: '7mZna4OyNoKxz7IPjrmm0Ak', model: 'gemini-2.5-flash' };
    expect(chunks).toEqual([
      { ...meta, delta: { role: 'assistant', content: 'Rayleigh scattering' } },
      { ...meta, delta: { content: ' makes short blue wavelengths' } },
      { ...meta, delta: { content: ' scatter more than red ones.' } },
      { ...meta, finishReason: 'stop' },
      {
        ...meta,
        usage: { inputTokens: 14, outputTokens: 317, totalTokens: 331, reasoningTokens: 302 },
      },
    ]);
  });

  it('streams whole function calls as tool-call deltas with ids and cached usage', async () => {
    const { chunks, error } = await collect('stream-tool-call.sse');
    expect(error).toBeUndefined();
    const meta = { id: 'Q2hna6S1Hs6Mz7IPq4qH8Ac', model: 'gemini-2.5-flash' };
    expect(chunks).toEqual([
      { ...meta, delta: { role: 'assistant', content: "I'll check both cities." } },
      {
        ...meta,
        delta: {
          toolCalls: [
            {
              index: 0,
              id: 'call_0__thought__Ct0BAdHtim8vQ2xh9m6m3Vb1t8GQ0j6l5Lq2V7nM0u8=',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              index: 1,
              id: 'call_1',
              type: 'function',
              function: { name: 'get_time', arguments: '{"timezone":"Asia/Tokyo"}' },
            },
          ],
        },
      },
      { ...meta, finishReason: 'tool_calls' },
      {
        ...meta,
        usage: {
          inputTokens: 142,
          outputTokens: 91,
          totalTokens: 233,
          cachedInputTokens: 128,
          reasoningTokens: 60,
        },
      },
    ]);
  });

  it('maps MAX_TOKENS in a stream to length', async () => {
    const { chunks } = await collect('stream-max-tokens.sse');
    expect(chunks.find((chunk) => chunk.finishReason)?.finishReason).toBe('length');
  });

  it('ends a blocked prompt with content_filter', async () => {
    const { chunks, error } = await collect('stream-prompt-blocked.sse');
    expect(error).toBeUndefined();
    expect(chunks.map((chunk) => chunk.finishReason ?? (chunk.usage && 'usage'))).toEqual([
      'content_filter',
      'usage',
    ]);
  });

  it('reports a body that ends without a finishReason as a cut stream', async () => {
    const { chunks, error } = await collect('stream-cut.sse');
    expect(chunks.map((chunk) => chunk.delta?.content)).toEqual([
      'The first three steps are',
      ': measure, cut,',
    ]);
    expect(error).toMatchObject({ code: 'upstream_stream_cut', status: 502, retryable: true });
  });

  it('turns an in-stream error event into the upstream error of its code', async () => {
    const { chunks, error } = await collect('stream-error.sse');
    expect(chunks).toHaveLength(1);
    expect(error).toMatchObject({
      status: 503,
      type: 'overloaded_error',
      upstreamStatus: 503,
      retryable: true,
    });
    expect((error as Error).message).toContain('The model is overloaded');
  });

  it('fails on an unreadable event', async () => {
    const mapper = geminiStreamMapper('gemini-test');
    const state = mapper.createState();
    expect(() => mapper.onEvent({ data: '{"candidates":"nope"}' }, state)).toThrow(
      expect.objectContaining({ code: 'upstream_bad_response' }),
    );
  });

  it('fails an empty stream ending with an abnormal reason', () => {
    const mapper = geminiStreamMapper('gemini-test');
    const state = mapper.createState();
    const event = { data: JSON.stringify({ candidates: [{ finishReason: 'OTHER' }] }) };
    expect(() => mapper.onEvent(event, state)).toThrow(/finished with OTHER/);
  });

  it('takes a usage-only event after the finish into the final usage', () => {
    const mapper = geminiStreamMapper('gemini-test');
    const state = mapper.createState();
    const finish = { candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] };
    const late = {
      candidates: [{ content: { parts: [{ text: 'ignored' }] } }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1, totalTokenCount: 6 },
    };
    expect(mapper.onEvent({ data: JSON.stringify(finish) }, state)).toHaveLength(2);
    expect(mapper.onEvent({ data: JSON.stringify(late) }, state)).toEqual([]);
    expect(mapper.onEnd(state)).toEqual([
      { usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 } },
    ]);
  });

  it('ignores empty keep-alive events', () => {
    const mapper = geminiStreamMapper('gemini-test');
    expect(mapper.onEvent({ data: '' }, mapper.createState())).toEqual([]);
  });
});
