import { concat, NEVER, Observable, of, throwError } from 'rxjs';
import {
  createRequestContext,
  GatewayError,
  makeUsage,
  streamCutError,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type LlmClient,
  type RequestContext,
} from '@app/core';
import { SSE_DONE } from '@app/streaming';
import { ChatCompletionsService } from './chat-completions.service';
import type { ChatCompletionRequestDto } from './dto/chat-completion.dto';

/** An LlmClient that records what it was asked and answers with what the test gives it. */
class FakeLlm implements LlmClient {
  readonly completeCalls: ChatRequest[] = [];
  readonly streamCalls: ChatRequest[] = [];
  response?: ChatResponse;
  chunks: Observable<ChatChunk> = NEVER;

  async complete(request: ChatRequest): Promise<ChatResponse> {
    this.completeCalls.push(request);
    if (!this.response) throw new Error('no response set');
    return this.response;
  }

  stream(request: ChatRequest): Observable<ChatChunk> {
    this.streamCalls.push(request);
    return this.chunks;
  }
}

interface Collected {
  frames: string[];
  error?: unknown;
  completed: boolean;
}

function collect(frames: Observable<string>): Promise<Collected> {
  return new Promise((resolve) => {
    const out: Collected = { frames: [], completed: false };
    frames.subscribe({
      next: (frame) => out.frames.push(frame),
      error: (error: unknown) => resolve({ ...out, error }),
      complete: () => resolve({ ...out, completed: true }),
    });
  });
}

/** The JSON payload of each `data:` frame ('[DONE]' stays a string). */
function payloads(frames: string[]): unknown[] {
  return frames.map((frame) => {
    expect(frame).toMatch(/^data: .*\n\n$/s);
    const data = frame.slice('data: '.length, -2);
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

function choice(payload: unknown): { delta: Record<string, unknown>; finish_reason: unknown } {
  return (payload as { choices: { delta: Record<string, unknown>; finish_reason: unknown }[] })
    .choices[0];
}

const dto = (over: Partial<ChatCompletionRequestDto> = {}): ChatCompletionRequestDto => ({
  model: 'chat',
  messages: [{ role: 'user', content: 'Hi' }],
  ...over,
});

const emit = (...chunks: ChatChunk[]) => of(...chunks);

const usage = makeUsage(9, 2, { cachedInputTokens: 4 });
const textChunks: ChatChunk[] = [
  { delta: { content: 'Hel' } },
  { delta: { content: 'lo' } },
  { finishReason: 'stop' },
  { usage },
];

describe('ChatCompletionsService', () => {
  let llm: FakeLlm;
  let service: ChatCompletionsService;
  let context: RequestContext;

  beforeEach(() => {
    llm = new FakeLlm();
    service = new ChatCompletionsService(llm);
    context = createRequestContext({ requestId: 'req-1' });
  });

  describe('complete', () => {
    it('sends the mapped request, records usage and answers in the OpenAI shape', async () => {
      llm.response = {
        model: 'upstream-model',
        message: { role: 'assistant', content: 'Hello' },
        finishReason: 'stop',
        usage,
      };
      const completion = await service.complete(dto({ max_tokens: 5, stop: 'X' }), context);
      expect(llm.completeCalls).toEqual([
        { model: 'chat', messages: [{ role: 'user', content: 'Hi' }], maxTokens: 5, stop: ['X'] },
      ]);
      expect(context.meta.usage).toBe(usage);
      expect(completion).toMatchObject({
        object: 'chat.completion',
        model: 'chat',
        choices: [{ message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
      });
      expect(completion.id).toMatch(/^chatcmpl-/);
    });

    it('rejects a body that does not map, without calling the client', async () => {
      await expect(
        service.complete(dto({ messages: [{ role: 'tool', content: 'x' }] }), context),
      ).rejects.toMatchObject({ status: 400, param: 'messages[0].tool_call_id' });
      expect(llm.completeCalls).toHaveLength(0);
    });

    it('passes the client error through unchanged', async () => {
      const failure = GatewayError.unavailable('busy', 1000);
      llm.complete = () => Promise.reject(failure);
      await expect(service.complete(dto(), context)).rejects.toBe(failure);
      expect(context.meta.usage).toBeUndefined();
    });
  });

  describe('stream', () => {
    it('throws a mapping error synchronously, before any stream exists', () => {
      expect(() =>
        service.stream(dto({ stream: true, response_format: { type: 'json_schema' } }), context),
      ).toThrow(expect.objectContaining({ status: 400, param: 'response_format.json_schema' }));
      expect(llm.streamCalls).toHaveLength(0);
    });

    it('is cold: nothing is subscribed upstream until the frames are', () => {
      let subscribed = 0;
      llm.chunks = new Observable<ChatChunk>(() => {
        subscribed++;
      });
      const frames = service.stream(dto({ stream: true }), context);
      expect(llm.streamCalls).toHaveLength(1);
      expect(subscribed).toBe(0);
      frames.subscribe().unsubscribe();
      expect(subscribed).toBe(1);
    });

    it('writes chunk frames, role on the first delta only, then [DONE]; no usage when not asked', async () => {
      llm.chunks = of(...textChunks);
      const result = await collect(service.stream(dto({ stream: true }), context));
      expect(result.completed).toBe(true);
      expect(result.error).toBeUndefined();
      expect(llm.streamCalls[0].includeUsage).toBe(false);

      const [first, second, finish, done, ...rest] = payloads(result.frames);
      expect(rest).toEqual([]);
      expect(choice(first)).toEqual({
        index: 0,
        delta: { role: 'assistant', content: 'Hel' },
        logprobs: null,
        finish_reason: null,
      });
      expect(choice(second).delta).toEqual({ content: 'lo' });
      expect(choice(finish)).toMatchObject({ delta: {}, finish_reason: 'stop' });
      expect(done).toBe('[DONE]');
      expect(result.frames.at(-1)).toBe(SSE_DONE);
      for (const payload of [first, second, finish]) {
        expect(payload).toMatchObject({ object: 'chat.completion.chunk', model: 'chat' });
        expect(payload).not.toHaveProperty('usage');
      }
      const ids = new Set([first, second, finish].map((p) => (p as { id: string }).id));
      expect(ids.size).toBe(1);

      expect(context.meta.usage).toBe(usage);
      expect(context.meta.streamOutcome).toBe('completed');
    });

    it('with include_usage: usage null on every chunk, then a usage chunk with no choices, then [DONE]', async () => {
      llm.chunks = of(...textChunks);
      const result = await collect(
        service.stream(dto({ stream: true, stream_options: { include_usage: true } }), context),
      );
      expect(llm.streamCalls[0].includeUsage).toBe(true);
      const all = payloads(result.frames);
      expect(all).toHaveLength(5);
      for (const payload of all.slice(0, 3)) expect(payload).toHaveProperty('usage', null);
      expect(all[3]).toMatchObject({
        object: 'chat.completion.chunk',
        choices: [],
        usage: {
          prompt_tokens: 9,
          completion_tokens: 2,
          total_tokens: 11,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      });
      expect(all[4]).toBe('[DONE]');
    });

    it('writes a chunk that carries both a finish reason and usage as two frames', async () => {
      llm.chunks = emit({ delta: { content: 'x' } }, { finishReason: 'length', usage });
      const result = await collect(
        service.stream(dto({ stream: true, stream_options: { include_usage: true } }), context),
      );
      const all = payloads(result.frames);
      expect(all).toHaveLength(4);
      expect(choice(all[1]).finish_reason).toBe('length');
      expect(all[2]).toMatchObject({ choices: [], usage: { total_tokens: 11 } });
    });

    it('adds the role to a first delta that is a tool call', async () => {
      llm.chunks = emit(
        {
          delta: {
            toolCalls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '' } }],
          },
        },
        { delta: { toolCalls: [{ index: 0, function: { arguments: '{}' } }] } },
        { finishReason: 'tool_calls' },
      );
      const all = payloads((await collect(service.stream(dto({ stream: true }), context))).frames);
      expect(choice(all[0]).delta).toEqual({
        role: 'assistant',
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      });
      expect(choice(all[1]).delta).toEqual({
        tool_calls: [{ index: 0, function: { arguments: '{}' } }],
      });
      expect(choice(all[2]).finish_reason).toBe('tool_calls');
    });

    it('on a cut after content: the frames so far, then the error, no [DONE], outcome cut', async () => {
      const cut = streamCutError('openai', 'no [DONE]');
      llm.chunks = concat(
        of<ChatChunk>({ delta: { content: 'Hel' } }),
        throwError(() => cut),
      );
      const result = await collect(service.stream(dto({ stream: true }), context));
      expect(result.completed).toBe(false);
      expect(result.error).toBe(cut);
      expect(result.frames).toHaveLength(1);
      expect(result.frames).not.toContain(SSE_DONE);
      expect(context.meta.streamOutcome).toBe('cut');
    });

    it('on any other failure: the error without [DONE], outcome error', async () => {
      const failure = GatewayError.unavailable('busy');
      llm.chunks = throwError(() => failure);
      const result = await collect(service.stream(dto({ stream: true }), context));
      expect(result).toEqual({ frames: [], error: failure, completed: false });
      expect(context.meta.streamOutcome).toBe('error');

      const plain = new Error('boom');
      llm.chunks = throwError(() => plain);
      const other = createRequestContext({ requestId: 'req-2' });
      expect((await collect(service.stream(dto({ stream: true }), other))).error).toBe(plain);
      expect(other.meta.streamOutcome).toBe('error');
    });

    it('leaves usage unset when the upstream reported none', async () => {
      llm.chunks = emit({ delta: { content: 'x' } }, { finishReason: 'stop' });
      await collect(service.stream(dto({ stream: true }), context));
      expect(context.meta.usage).toBeUndefined();
      expect(context.meta.streamOutcome).toBe('completed');
    });

    it('unsubscribing tears down the upstream subscription', () => {
      let tornDown = false;
      llm.chunks = new Observable<ChatChunk>((subscriber) => {
        subscriber.next({ delta: { content: 'a' } });
        return () => {
          tornDown = true;
        };
      });
      const frames: string[] = [];
      const subscription = service
        .stream(dto({ stream: true }), context)
        .subscribe((frame) => frames.push(frame));
      expect(frames).toHaveLength(1);
      expect(tornDown).toBe(false);
      subscription.unsubscribe();
      expect(tornDown).toBe(true);
      expect(context.meta.streamOutcome).toBeUndefined();
    });
  });
});
