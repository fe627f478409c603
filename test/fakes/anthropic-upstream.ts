import type { ServerResponse } from 'node:http';
import {
  adaptToStream,
  AT_ONCE,
  between,
  DEFAULT_BEHAVIOUR,
  DEFAULT_TEXT,
  killConnection,
  pauseAfter,
  pieces,
  sendTruncated,
  startFakeServer,
  writeSse,
  type BehaviourOf,
  type FakeBehaviour,
  type FakeServerOptions,
  type FakeUpstream,
  type FakeUsage,
  type Pacing,
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
 * Behaviours: text, tool_call, error (default messages as the real API words them; 529 is
 * overloaded_error, which is also what a mix's `overloaded` draws; a 429 carries only the headers
 * given, `retryDelay` is ignored), cut (streams: socket destroyed after `afterChunks` text deltas;
 * non-streamed: `truncated`), truncated (half the message JSON, then the socket dies),
 * stream_error (streams: an `error` event with overloaded_error in the 200 stream; non-streamed:
 * HTTP 529), stall, stall_mid (a pause after `afterChunks` text deltas), slow, reset (TCP RST).
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
  }, FAULT_PROFILE);
}

/** a mix's `overloaded` is Anthropic's 529 overloaded_error */
const FAULT_PROFILE: FakeServerOptions = {
  faultProfile: { overloaded: { type: 'error', status: 529 } },
};

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

/** The messages the real API sends (the 429 one names no wait: that is the retry-after header). */
const ERROR_MESSAGES: Record<number, string> = {
  429: 'This request would exceed the rate limit for your organization (00000000-0000-0000-0000-000000000000) of 50,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
  500: 'Internal server error',
  529: 'Overloaded',
};

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
  const b = adaptToStream(behaviour, stream);
  switch (b.type) {
    case 'error': {
      const type = anthropicErrorType(b.status);
      const message = b.message ?? ERROR_MESSAGES[b.status] ?? `fake ${type}`;
      return sendError(ctx.res, b.status, type, message, b.headers, b.body);
    }
    case 'stall':
      if (await wait(b.ms, ctx)) await run(b.then ?? DEFAULT_BEHAVIOUR, stream, ctx);
      return;
    case 'text':
      return stream ? streamText(ctx, b) : sendMessage(ctx, textMessage(ctx, b));
    case 'tool_call':
      return stream ? streamToolCall(ctx, b) : sendMessage(ctx, toolMessage(ctx, b));
    case 'slow':
      if (stream) return streamText(ctx, { type: 'text', text: b.text }, between(b.intervalMs));
      if (await wait(pieces(b.text).length * b.intervalMs, ctx)) {
        sendMessage(ctx, textMessage(ctx, { type: 'text', text: b.text }));
      }
      return;
    case 'stall_mid': // streams only (adaptToStream)
      return streamText(ctx, DEFAULT_TEXT, pauseAfter(b.afterChunks, b.ms));
    case 'cut': // streams only (adaptToStream)
      return streamBroken(ctx, b.afterChunks);
    case 'truncated': // non-stream only (adaptToStream)
      return sendTruncated(
        ctx.res,
        ctx.closed,
        messageHeaders(ctx),
        JSON.stringify(textMessage(ctx, DEFAULT_TEXT)),
      );
    case 'reset':
      return killConnection(ctx.res, 'reset');
    case 'stream_error':
      if (!stream) return sendError(ctx.res, 529, 'overloaded_error', b.message ?? 'Overloaded');
      return streamBroken(ctx, b.afterChunks, b.message ?? 'Overloaded');
  }
}

// ---- wire objects -------------------------------------------------------------------------------

type TextBehaviour = BehaviourOf<'text'>;
type ToolBehaviour = BehaviourOf<'tool_call'>;

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

function messageHeaders(ctx: Ctx): Record<string, string> {
  return { 'content-type': 'application/json', 'request-id': `req_fake${ctx.id}` };
}

function sendMessage(ctx: Ctx, body: object): void {
  ctx.res.writeHead(200, messageHeaders(ctx));
  ctx.res.end(JSON.stringify(body));
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

/** A text stream; `pacing` says how long to wait before each text delta (and before the end). */
async function streamText(ctx: Ctx, b: TextBehaviour, pacing: Pacing = AT_ONCE): Promise<void> {
  const texts = pieces(b.text);
  const usage = usageOf(b, texts.length);
  startStream(ctx, usage);
  event(ctx, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  event(ctx, 'ping');
  for (const [i, text] of texts.entries()) {
    const ms = pacing(i, texts.length);
    if (ms > 0 && !(await wait(ms, ctx))) return;
    if (ctx.isClosed()) return;
    event(ctx, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
  }
  const ms = pacing(texts.length, texts.length);
  if (ms > 0 && !(await wait(ms, ctx))) return;
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
    if (await wait(20, ctx)) killConnection(ctx.res);
    return;
  }
  writeSse(
    ctx.res,
    { type: 'error', error: { type: 'overloaded_error', message: overloadMessage } },
    'error',
  );
  ctx.res.end();
}
