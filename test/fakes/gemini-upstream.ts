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
  type BehaviourOf,
  type ErrorBehaviour,
  type FakeBehaviour,
  type FakeServerOptions,
  type FakeUpstream,
  type FakeUsage,
  type Pacing,
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
 * API_KEY_INVALID), and an `error` behaviour's numeric `retry-after` header (seconds) is moved into
 * a RetryInfo detail of the body, where Gemini puts it; an HTTP-date `retry-after` and the ms headers
 * are sent as given. `retryDelay` ("27s") is rendered as the RetryInfo detail itself (and wins).
 *
 * Faults: `reset` is a TCP RST before any byte; `truncated` (and a non-stream `cut`) sends half of
 * the GenerateContentResponse JSON; `stall_mid` pauses after `afterChunks` events; 503 is
 * UNAVAILABLE "The service is currently unavailable.", and a mix's `overloaded` is the 503 "The
 * model is overloaded." body; a mix's `rate_limited` hints with RetryInfo.
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
  }, FAULT_PROFILE);
}

const OVERLOADED_MESSAGE = 'The model is overloaded. Please try again later.';

/** a mix's `overloaded` is the 503 overloaded body; its `rate_limited` waits are RetryInfo details */
const FAULT_PROFILE: FakeServerOptions = {
  faultProfile: {
    overloaded: { type: 'error', status: 503, message: OVERLOADED_MESSAGE },
    rateLimitHint: (ms) => ({ kind: 'gemini-retry-delay', seconds: ms / 1000 }),
  },
};

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
  const b = adaptToStream(behaviour, ctx.stream);
  switch (b.type) {
    case 'text':
      return sendText(ctx, pieces(b.text), AT_ONCE, b.usage, b.finish);
    case 'slow':
      return sendText(ctx, pieces(b.text), between(b.intervalMs));
    case 'stall_mid': // streams only (adaptToStream)
      return sendText(
        ctx,
        pieces(DEFAULT_TEXT.text),
        pauseAfter(b.afterChunks, b.ms),
        DEFAULT_TEXT.usage,
      );
    case 'tool_call':
      return sendToolCall(ctx, b);
    case 'error':
      return sendBehaviourError(ctx.res, b);
    case 'cut': // streams only (adaptToStream)
      return sendCut(ctx, b.afterChunks);
    case 'truncated': {
      // non-stream only (adaptToStream)
      const body = answer(ctx, [{ text: DEFAULT_TEXT.text }], 'STOP', DEFAULT_TEXT.usage);
      return sendTruncated(ctx.res, ctx.closed, JSON_HEADERS, JSON.stringify(body, null, 2));
    }
    case 'reset':
      return killConnection(ctx.res, 'reset');
    case 'stream_error':
      return sendStreamError(ctx, b.afterChunks, b.message);
    case 'stall':
      await waitUnlessClosed(b.ms, ctx.closed);
      if (!ctx.state.closed) await run(ctx, b.then ?? DEFAULT_BEHAVIOUR);
      return;
  }
}

/** Text; a stream waits `pacing` before each event (and before its end), non-stream the sum. */
async function sendText(
  ctx: Ctx,
  texts: string[],
  pacing: Pacing,
  usage: FakeUsage = { input: 12, output: Math.max(1, texts.length) },
  finish: 'stop' | 'length' = 'stop',
): Promise<void> {
  const finishReason = finish === 'length' ? 'MAX_TOKENS' : 'STOP';
  const count = texts.length;
  if (!ctx.stream) {
    let total = 0;
    for (let i = 0; i <= count; i++) total += pacing(i, count);
    await waitUnlessClosed(total, ctx.closed);
    if (ctx.state.closed) return;
    return sendJson(ctx.res, 200, answer(ctx, [{ text: texts.join('') }], finishReason, usage));
  }
  startSse(ctx.res);
  for (const [i, text] of texts.entries()) {
    await waitUnlessClosed(pacing(i, count), ctx.closed);
    if (ctx.state.closed) return;
    const last = i === count - 1;
    sse(ctx.res, answer(ctx, [{ text }], last ? finishReason : undefined, usage, !last));
  }
  if (count === 0) sse(ctx.res, answer(ctx, [{ text: '' }], finishReason, usage));
  await waitUnlessClosed(pacing(count, count), ctx.closed);
  if (!ctx.state.closed) ctx.res.end();
}

async function sendToolCall(ctx: Ctx, behaviour: BehaviourOf<'tool_call'>): Promise<void> {
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

/** A stream whose socket dies after `afterChunks` events. */
async function sendCut(ctx: Ctx, afterChunks: number): Promise<void> {
  startSse(ctx.res);
  for (let i = 0; i < afterChunks; i++) sse(ctx.res, answer(ctx, [{ text: `piece${i} ` }]));
  if (await waitUnlessClosed(20, ctx.closed)) killConnection(ctx.res);
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
  503: 'The service is currently unavailable.',
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

function sendBehaviourError(res: ServerResponse, behaviour: ErrorBehaviour): void {
  const given = behaviour.headers ?? {};
  // a numeric retry-after moves into the body, as RetryInfo (an HTTP date stays a header)
  const numeric = /^\d+(\.\d+)?$/.test(given['retry-after']?.trim() ?? '');
  const { 'retry-after': retryAfter, ...rest } = given;
  const headers = numeric ? rest : given;
  const retryDelay = behaviour.retryDelay ?? (numeric ? `${retryAfter}s` : undefined);
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
  if (retryDelay !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
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

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  res.writeHead(status, { ...JSON_HEADERS, ...headers });
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
