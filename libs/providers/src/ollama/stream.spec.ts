import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { from } from 'rxjs';
import type { ChatChunk } from '@app/core';
import { createStreamDecoder, mapWireStream, type WireEvent } from '../transport';
import { ollamaStreamMapper } from './stream';

/** Decodes a recorded NDJSON body with the transport's decoder and maps it as the client does. */
function events(name: string): WireEvent[] {
  const decoder = createStreamDecoder('ndjson');
  const out: WireEvent[] = [];
  decoder.push(readFileSync(join(__dirname, 'fixtures', name)), (event) => out.push(event));
  decoder.end((event) => out.push(event));
  return out;
}

function collect(name: string): Promise<{ chunks: ChatChunk[]; error?: unknown }> {
  const chunks: ChatChunk[] = [];
  return new Promise((resolve) => {
    from(events(name))
      .pipe(mapWireStream(ollamaStreamMapper('ollama-test')))
      .subscribe({
        next: (chunk) => chunks.push(chunk),
        error: (error: unknown) => resolve({ chunks, error }),
        complete: () => resolve({ chunks }),
      });
  });
}

describe('ollamaStreamMapper', () => {
  it('streams text deltas, then the finish reason, then usage', async () => {
    const { chunks, error } = await collect('stream-text.ndjson');
    expect(error).toBeUndefined();
    const model = 'llama3.2';
    expect(chunks).toEqual([
      { model, delta: { role: 'assistant', content: 'The' } },
      { model, delta: { content: ' sky is' } },
      { model, delta: { content: ' blue.' } },
      { model, finishReason: 'stop' },
      { model, usage: { inputTokens: 26, outputTokens: 4, totalTokens: 30 } },
    ]);
  });

  it('streams a whole tool call as one delta, skipping the thinking line', async () => {
    const { chunks, error } = await collect('stream-tool-call.ndjson');
    expect(error).toBeUndefined();
    const model = 'qwen3';
    expect(chunks).toEqual([
      {
        model,
        delta: {
          role: 'assistant',
          toolCalls: [
            {
              index: 0,
              id: 'call_8sxdwnim',
              type: 'function',
              function: {
                name: 'get_current_weather',
                arguments: '{"format":"celsius","location":"Toronto"}',
              },
            },
          ],
        },
      },
      { model, finishReason: 'tool_calls' },
      { model, usage: { inputTokens: 217, outputTokens: 95, totalTokens: 312 } },
    ]);
  });

  it('keeps text that arrives on the done line and maps length', async () => {
    const { chunks } = await collect('stream-length.ndjson');
    expect(chunks.map((chunk) => chunk.delta?.content ?? chunk.finishReason ?? 'usage')).toEqual([
      'Chapter one: it was',
      ' a dark',
      'length',
      'usage',
    ]);
  });

  it('reports a body that ends without the done line as a cut stream', async () => {
    const { chunks, error } = await collect('stream-cut.ndjson');
    expect(chunks).toHaveLength(2);
    expect(error).toMatchObject({ code: 'upstream_stream_cut', status: 502, retryable: true });
  });

  it('turns an error line into a retryable upstream error', async () => {
    const { chunks, error } = await collect('stream-error.ndjson');
    expect(chunks).toHaveLength(1);
    expect(error).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
    expect((error as Error).message).toContain('unexpected EOF');
  });

  it('fails on an unreadable line', () => {
    const mapper = ollamaStreamMapper('ollama-test');
    expect(() => mapper.onEvent({ data: '{"message":{}}' }, mapper.createState())).toThrow(
      expect.objectContaining({ code: 'upstream_bad_response' }),
    );
  });
});
