import type { ServerResponse } from 'node:http';
import {
  DEFAULT_BEHAVIOUR,
  pieces,
  startFakeServer,
  writeSse,
  type FakeBehaviour,
  type FakeUpstream,
  type FakeUsage,
  type RecordedRequest,
  waitUnlessClosed,
} from './fake-upstream';

/**
 * A fake Anthropic Messages API (POST /v1/messages) speaking the real wire protocol:
 * - the key must be `test-key`, in `x-api-key` or as `Authorization: Bearer` (the official SDK 1.x
 *   sends the latter), else 401 authentication_error; `anthropic-version` must be present (any
 *   value; else 400); the body needs `model`, `max_tokens` and `messages` (else 400);
 * - `stream: true` answers named SSE events (message_start, content_block_start, ping,
 *   content_block_delta, content_block_stop, message_delta, message_stop), else one message JSON;
 * - errors use Anthropic's body `{"type":"error","error":{"type","message"},"request_id"}`.
 * FakeUsage maps to Anthropic's split: `input` is every prompt token, `cached` of them are
 * reported as `cache_read_input_tokens` and the rest as `input_tokens`.
 * Behaviours: text, tool_call, error, cut (streams: socket destroyed after `afterChunks` text
 * deltas; non-streamed: socket destroyed mid-body), stream_error (streams: an `error` event with
 * overloaded_error in the 200 stream; non-streamed: HTTP 529), stall, slow.
 */
export function startFakeAnthropicUpstream(): Promise<FakeUpstream> {
  let sequence = 0;
  return startFakeServer(async (request, behaviour, res, closed) => {
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    const ctx: Ctx = { res, closed, isClosed: () => isClosed, id: ++sequence, model: '' };
    const problem = checkRequest(request);
    if (problem) return sendError(res, problem.status, problem.type, problem.message);
    const body = request.body as { model: string; stream?: unknown };
    ctx.model = body.model;
    await run(behaviour, body.stream === true, ctx);
  });
}

interface Ctx {
  res: ServerResponse;
  closed: Promise<void>;
  isClosed: () => boolean;
  id: number;
  model: string;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** `x-api-key`, or `Authorization: Bearer` (what @anthropic-ai/sdk 1.x sends for an API key). */
function apiKeyOf(req: RecordedRequest): string | undefined {
  const key = req.headers['x-api-key'];
  if (typeof key === 'string') return key;
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

function checkRequest(req: RecordedRequest) {
  const path = req.url.split('?')[0];
  if (req.method !== 'POST' || path !== '/v1/messages') {
    return { status: 404, type: 'not_found_error', message: 'Not Found' };
  }
  if (apiKeyOf(req) !== 'test-key') {
    return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  }
  if (!req.headers['anthropic-version']) {
    const message = 'anthropic-version: header is required';
    return { status: 400, type: 'invalid_request_error', message };
  }
  const body = req.body as Record<string, unknown> | undefined;
  for (const field of ['model', 'max_tokens', 'messages']) {
    if (typeof body !== 'object' || body === null || body[field] === undefined) {
      return { status: 400, type: 'invalid_request_error', message: `${field}: Field required` };
    }
  }
  return undefined;
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
  body?: unknown,
): void {
  const payload = body ?? {
    type: 'error',
    error: { type, message },
    request_id: 'req_fake_error',
  };
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
}

/** Resolves true after `ms`, or false as soon as the client goes away (the timer is cleared). */
function wait(ms: number, ctx: Ctx): Promise<boolean> {
  return ctx.isClosed() ? Promise.resolve(false) : waitUnlessClosed(ms, ctx.closed);
}

async function run(behaviour: FakeBehaviour, stream: boolean, ctx: Ctx): Promise<void> {
  switch (behaviour.type) {
    case 'error': {
      const type = anthropicErrorType(behaviour.status);
      const message = behaviour.message ?? `fake ${type}`;
      return sendError(ctx.res, behaviour.status, type, message, behaviour.headers, behaviour.body);
    }
    case 'stall':
      if (await wait(behaviour.ms, ctx))
        await run(behaviour.then ?? DEFAULT_BEHAVIOUR, stream, ctx);
      return;
    case 'text':
      return stream ? streamText(ctx, behaviour) : sendMessage(ctx, textMessage(ctx, behaviour));
    case 'tool_call':
      return stream
        ? streamToolCall(ctx, behaviour)
        : sendMessage(ctx, toolMessage(ctx, behaviour));
    case 'slow':
      if (stream)
        return streamText(ctx, { type: 'text', text: behaviour.text }, behaviour.intervalMs);
      if (await wait(pieces(behaviour.text).length * behaviour.intervalMs, ctx)) {
        sendMessage(ctx, textMessage(ctx, { type: 'text', text: behaviour.text }));
      }
      return;
    case 'cut':
      return stream ? streamBroken(ctx, behaviour.afterChunks) : cutMessage(ctx);
    case 'stream_error':
      if (!stream)
        return sendError(ctx.res, 529, 'overloaded_error', behaviour.message ?? 'Overloaded');
      return streamBroken(ctx, behaviour.afterChunks, behaviour.message ?? 'Overloaded');
  }
}

// ---- wire objects -------------------------------------------------------------------------------

type TextBehaviour = Extract<FakeBehaviour, { type: 'text' }>;
type ToolBehaviour = Extract<FakeBehaviour, { type: 'tool_call' }>;

function wireUsage(usage: FakeUsage, output: number) {
  const cached = usage.cached ?? 0;
  return {
    input_tokens: usage.input - cached,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: output,
  };
}

function usageOf(behaviour: { usage?: FakeUsage }, output: number): FakeUsage {
  return behaviour.usage ?? { input: 12, output };
}

function message(ctx: Ctx, content: unknown[], stopReason: string | null, usage: object) {
  return {
    id: `msg_fake${String(ctx.id).padStart(6, '0')}`,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
}

function textMessage(ctx: Ctx, b: TextBehaviour) {
  const usage = usageOf(b, pieces(b.text).length);
  const stop = b.finish === 'length' ? 'max_tokens' : 'end_turn';
  return message(ctx, [{ type: 'text', text: b.text }], stop, wireUsage(usage, usage.output));
}

function toolUseBlock(ctx: Ctx, b: ToolBehaviour) {
  return {
    type: 'tool_use',
    id: b.id ?? `toolu_fake${String(ctx.id).padStart(6, '0')}`,
    name: b.name,
  };
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

function toolMessage(ctx: Ctx, b: ToolBehaviour) {
  const usage = usageOf(b, 20);
  const block = { ...toolUseBlock(ctx, b), input: parseInput(b.arguments) };
  return message(ctx, [block], 'tool_use', wireUsage(usage, usage.output));
}

function sendMessage(ctx: Ctx, body: object): void {
  ctx.res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_fake${ctx.id}` });
  ctx.res.end(JSON.stringify(body));
}

/** Non-streamed cut: headers and half a body, then the socket is destroyed. */
async function cutMessage(ctx: Ctx): Promise<void> {
  ctx.res.writeHead(200, { 'content-type': 'application/json' });
  ctx.res.write('{"id":"msg_fake","type":"message","content":[{"type":"text","text":"Hel');
  if (await wait(20, ctx)) ctx.res.socket?.destroy();
}

// ---- streams ------------------------------------------------------------------------------------

function event(ctx: Ctx, type: string, data: object = {}): void {
  writeSse(ctx.res, { type, ...data }, type);
}

function startStream(ctx: Ctx, usage: FakeUsage): void {
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': `req_fake${ctx.id}`,
  });
  event(ctx, 'message_start', { message: message(ctx, [], null, wireUsage(usage, 1)) });
}

function endStream(ctx: Ctx, stopReason: string, outputTokens: number): void {
  event(ctx, 'message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  event(ctx, 'message_stop');
  ctx.res.end();
}

async function streamText(ctx: Ctx, b: TextBehaviour, intervalMs = 0): Promise<void> {
  const usage = usageOf(b, pieces(b.text).length);
  startStream(ctx, usage);
  event(ctx, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  event(ctx, 'ping');
  for (const [i, text] of pieces(b.text).entries()) {
    if (i > 0 && intervalMs > 0 && !(await wait(intervalMs, ctx))) return;
    if (ctx.isClosed()) return;
    event(ctx, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
  }
  event(ctx, 'content_block_stop', { index: 0 });
  endStream(ctx, b.finish === 'length' ? 'max_tokens' : 'end_turn', usage.output);
}

function streamToolCall(ctx: Ctx, b: ToolBehaviour): void {
  const usage = usageOf(b, 20);
  startStream(ctx, usage);
  event(ctx, 'content_block_start', {
    index: 0,
    content_block: { ...toolUseBlock(ctx, b), input: {} },
  });
  const fragments = ['', ...(b.arguments.match(/[\s\S]{1,8}/g) ?? [])];
  for (const partial_json of fragments) {
    event(ctx, 'content_block_delta', {
      index: 0,
      delta: { type: 'input_json_delta', partial_json },
    });
  }
  event(ctx, 'content_block_stop', { index: 0 });
  endStream(ctx, 'tool_use', usage.output);
}

/** A 200 stream that breaks after `afterChunks` text deltas: an `error` event, or a dead socket. */
async function streamBroken(ctx: Ctx, afterChunks: number, overloadMessage?: string) {
  startStream(ctx, { input: 12, output: 1 });
  event(ctx, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  for (let i = 0; i < afterChunks; i++) {
    event(ctx, 'content_block_delta', {
      index: 0,
      delta: { type: 'text_delta', text: `chunk${i} ` },
    });
  }
  if (overloadMessage === undefined) {
    // let the events reach the client before the connection dies
    if (await wait(20, ctx)) ctx.res.socket?.destroy();
    return;
  }
  writeSse(
    ctx.res,
    { type: 'error', error: { type: 'overloaded_error', message: overloadMessage } },
    'error',
  );
  ctx.res.end();
}
