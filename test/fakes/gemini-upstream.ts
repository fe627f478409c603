import type { ServerResponse } from 'node:http';
import {
  DEFAULT_BEHAVIOUR,
  pieces,
  startFakeServer,
  type FakeBehaviour,
  type FakeUpstream,
  type FakeUsage,
  type RecordedRequest,
  waitUnlessClosed,
} from './fake-upstream';

/**
 * A fake Google Gemini API (v1beta): `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse`, key in `x-goog-api-key` (expected: `test-key`).
 *
 * Wire details it reproduces: whole GenerateContentResponse objects per SSE event, CRLF event
 * separators, no `[DONE]`, finishReason and full usageMetadata on the last event (prompt-only usage
 * on the others), function calls whole in one event, Google's error envelope with RetryInfo /
 * QuotaFailure details, in-stream `{"error":...}` events (behaviour `stream_error`), and Gemini 3's
 * thought signatures: for a `gemini-3*` model it signs the function calls it makes and answers 400
 * when a model turn of the history has function calls without any signature.
 *
 * Deliberate differences: a wrong key gets 401 UNAUTHENTICATED (the real API answers 400
 * API_KEY_INVALID), and an `error` behaviour's `retry-after` header is moved into a RetryInfo detail
 * of the body, where Gemini puts it.
 */
export const GEMINI_TEST_KEY = 'test-key';

export function startFakeGeminiUpstream(): Promise<FakeUpstream> {
  let responses = 0;
  return startFakeServer(async (request, behaviour, res, closed) => {
    const call = route(request, res);
    if (!call) return;
    const state = { closed: false };
    void closed.then(() => (state.closed = true));
    const ctx: Ctx = { ...call, res, closed, state, responseId: `fake-gemini-${++responses}` };
    await run(ctx, behaviour);
  });
}

interface Call {
  model: string;
  stream: boolean;
}

interface Ctx extends Call {
  res: ServerResponse;
  closed: Promise<void>;
  state: { closed: boolean };
  responseId: string;
}

const PATH = /^\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)(?:\?(.*))?$/;

/** Checks path, method, key and the request body; answers the error itself and returns undefined. */
function route(request: RecordedRequest, res: ServerResponse): Call | undefined {
  const match = PATH.exec(request.url);
  if (request.method !== 'POST' || !match) {
    sendError(res, 404, `Method not found: ${request.method} ${request.url}`);
    return undefined;
  }
  if (request.headers['x-goog-api-key'] !== GEMINI_TEST_KEY) {
    sendError(res, 401, 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
    ]);
    return undefined;
  }
  const model = decodeURIComponent(match[1]);
  const stream = match[2] === 'streamGenerateContent';
  if (stream && new URLSearchParams(match[3] ?? '').get('alt') !== 'sse') {
    sendError(res, 400, 'The fake Gemini upstream streams with alt=sse only.');
    return undefined;
  }
  const problem = validateBody(request.body, model);
  if (problem) {
    sendError(res, 400, problem);
    return undefined;
  }
  return { model, stream };
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function validateBody(body: unknown, model: string): string | undefined {
  if (!isJson(body) || !Array.isArray(body.contents) || body.contents.length === 0) {
    return '* GenerateContentRequest.contents: contents is not specified';
  }
  for (const content of body.contents as unknown[]) {
    if (!isJson(content) || !['user', 'model'].includes(content.role as string)) {
      return 'Please use a valid role: user, model.';
    }
    const parts = Array.isArray(content.parts) ? (content.parts as unknown[]).filter(isJson) : [];
    if (parts.length === 0) return 'contents.parts must not be empty.';
    const calls = parts.filter((part) => part.functionCall !== undefined);
    if (signs(model) && calls.length > 0 && !calls.some((part) => part.thoughtSignature)) {
      return 'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly.';
    }
  }
  return undefined;
}

const signs = (model: string) => Number(/gemini-(\d+)/.exec(model)?.[1] ?? 0) >= 3;

async function run(ctx: Ctx, behaviour: FakeBehaviour): Promise<void> {
  switch (behaviour.type) {
    case 'text':
      return sendText(ctx, pieces(behaviour.text), 0, behaviour.usage, behaviour.finish);
    case 'slow':
      return sendText(ctx, pieces(behaviour.text), behaviour.intervalMs);
    case 'tool_call':
      return sendToolCall(ctx, behaviour);
    case 'error':
      return sendBehaviourError(ctx.res, behaviour);
    case 'cut':
      return sendCut(ctx, behaviour.afterChunks);
    case 'stream_error':
      return sendStreamError(ctx, behaviour.afterChunks, behaviour.message);
    case 'stall':
      await waitUnlessClosed(behaviour.ms, ctx.closed);
      if (!ctx.state.closed) await run(ctx, behaviour.then ?? DEFAULT_BEHAVIOUR);
      return;
  }
}

async function sendText(
  ctx: Ctx,
  texts: string[],
  intervalMs: number,
  usage: FakeUsage = { input: 12, output: Math.max(1, texts.length) },
  finish: 'stop' | 'length' = 'stop',
): Promise<void> {
  const finishReason = finish === 'length' ? 'MAX_TOKENS' : 'STOP';
  if (!ctx.stream) {
    await waitUnlessClosed(intervalMs * texts.length, ctx.closed);
    if (ctx.state.closed) return;
    return sendJson(ctx.res, 200, answer(ctx, [{ text: texts.join('') }], finishReason, usage));
  }
  startSse(ctx.res);
  for (const [i, text] of texts.entries()) {
    if (i > 0) await waitUnlessClosed(intervalMs, ctx.closed);
    if (ctx.state.closed) return;
    const last = i === texts.length - 1;
    sse(ctx.res, answer(ctx, [{ text }], last ? finishReason : undefined, usage, !last));
  }
  if (texts.length === 0) sse(ctx.res, answer(ctx, [{ text: '' }], finishReason, usage));
  ctx.res.end();
}

async function sendToolCall(
  ctx: Ctx,
  behaviour: Extract<FakeBehaviour, { type: 'tool_call' }>,
): Promise<void> {
  const part: Json = {
    functionCall: {
      ...(behaviour.id && { id: behaviour.id }),
      name: behaviour.name,
      args: parseArgs(behaviour.arguments),
    },
    ...(signs(ctx.model) && { thoughtSignature: fakeSignature(ctx.responseId) }),
  };
  const usage = behaviour.usage ?? { input: 40, output: 9 };
  const body = answer(ctx, [part], 'STOP', usage);
  if (!ctx.stream) return sendJson(ctx.res, 200, body);
  startSse(ctx.res);
  sse(ctx.res, body);
  ctx.res.end();
}

async function sendCut(ctx: Ctx, afterChunks: number): Promise<void> {
  if (!ctx.stream) {
    ctx.res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    ctx.res.write('{"candidates": [{"content": {"parts": [{"text": "Hel');
    ctx.res.destroy();
    return;
  }
  startSse(ctx.res);
  for (let i = 0; i < afterChunks; i++) sse(ctx.res, answer(ctx, [{ text: `piece${i} ` }]));
  await waitUnlessClosed(20, ctx.closed);
  ctx.res.destroy();
}

async function sendStreamError(ctx: Ctx, afterChunks: number, message?: string): Promise<void> {
  const text = message ?? 'The model is overloaded. Please try again later.';
  if (!ctx.stream) return sendError(ctx.res, 503, text);
  startSse(ctx.res);
  for (let i = 0; i < afterChunks; i++) sse(ctx.res, answer(ctx, [{ text: `piece${i} ` }]));
  sse(ctx.res, errorBody(503, text));
  ctx.res.end();
}

/** One GenerateContentResponse; `promptOnly` usage is what Gemini sends before the last event. */
function answer(
  ctx: Ctx,
  parts: Json[],
  finishReason?: string,
  usage?: FakeUsage,
  promptOnly = false,
): Json {
  return {
    candidates: [
      { content: { parts, role: 'model' }, ...(finishReason && { finishReason }), index: 0 },
    ],
    ...(usage && { usageMetadata: usageMetadata(usage, promptOnly) }),
    modelVersion: ctx.model,
    responseId: ctx.responseId,
  };
}

function usageMetadata(usage: FakeUsage, promptOnly: boolean): Json {
  const output = promptOnly ? 0 : usage.output;
  return {
    promptTokenCount: usage.input,
    ...(output > 0 && { candidatesTokenCount: output }),
    totalTokenCount: usage.input + output,
    ...(usage.cached && {
      cachedContentTokenCount: usage.cached,
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: usage.cached }],
    }),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.input }],
  };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  429: 'You exceeded your current quota, please check your plan and billing details.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

function errorBody(status: number, message: string, details?: Json[]): Json {
  return {
    error: {
      code: status,
      message,
      status: STATUS_NAMES[status] ?? 'UNKNOWN',
      ...(details && { details }),
    },
  };
}

function sendBehaviourError(
  res: ServerResponse,
  behaviour: Extract<FakeBehaviour, { type: 'error' }>,
): void {
  const { 'retry-after': retryAfter, ...headers } = behaviour.headers ?? {};
  if (behaviour.body !== undefined) {
    return sendJson(res, behaviour.status, behaviour.body, behaviour.headers);
  }
  const message =
    behaviour.message ??
    DEFAULT_MESSAGES[behaviour.status] ??
    'Request contains an invalid argument.';
  const details: Json[] = [];
  if (behaviour.status === 429) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric:
            'generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count',
          quotaId: 'GenerateContentPaidTierInputTokensPerModelPerMinute',
        },
      ],
    });
  }
  if (retryAfter !== undefined) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${retryAfter}s`,
    });
  }
  sendJson(
    res,
    behaviour.status,
    errorBody(behaviour.status, message, details.length ? details : undefined),
    headers,
  );
}

function sendError(res: ServerResponse, status: number, message: string, details?: Json[]): void {
  sendJson(res, status, errorBody(status, message, details));
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(text);
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

/** Gemini separates SSE events with CRLF CRLF. */
function sse(res: ServerResponse, body: Json): void {
  res.write(`data: ${JSON.stringify(body)}\r\n\r\n`);
}

function parseArgs(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    return isJson(value) ? value : {};
  } catch {
    return {};
  }
}

const fakeSignature = (seed: string) =>
  Buffer.from(`fake-thought-signature:${seed}`).toString('base64');
