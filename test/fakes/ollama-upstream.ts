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
  type FakeBehaviour,
  type FakeUpstream,
  type FakeUsage,
  type Pacing,
  type RecordedRequest,
  waitUnlessClosed,
} from './fake-upstream';

/**
 * A fake Ollama server: `POST /api/chat`, streaming NDJSON by default (`"stream": false` for one
 * object), every line `{"model","created_at","message":{...},"done":false}` and a last line
 * `"done":true` with done_reason, durations in nanoseconds and the token counts; tool calls whole in
 * one line with object arguments; errors `{"error":"..."}`, also as a line inside a 200 stream
 * (behaviour `stream_error`).
 *
 * Ollama has no authentication: a request without an Authorization header is served; one with a
 * bearer token other than `test-key` gets 401, as an authenticating proxy in front of Ollama would.
 * FakeUsage.cached is ignored (Ollama reports no cache counts).
 *
 * Faults: `reset` is a TCP RST before any byte; `truncated` (and a non-stream `cut`) sends half of
 * the response JSON; `stall_mid` pauses after `afterChunks` lines; errors are `{"error":"..."}`
 * with the headers given (`retryDelay` is ignored); 503 (also a mix's `overloaded`) is Ollama's
 * "server busy" body.
 */
export const OLLAMA_TEST_KEY = 'test-key';

export function startFakeOllamaUpstream(): Promise<FakeUpstream> {
  return startFakeServer(async (request, behaviour, res, closed) => {
    const call = route(request, res);
    if (!call) return;
    const state = { closed: false };
    void closed.then(() => (state.closed = true));
    await run({ ...call, res, closed, state }, behaviour);
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
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function route(request: RecordedRequest, res: ServerResponse): Call | undefined {
  if (request.method !== 'POST' || request.url !== '/api/chat') {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
    return undefined;
  }
  const auth = request.headers.authorization;
  if (auth !== undefined && auth !== `Bearer ${OLLAMA_TEST_KEY}`) {
    sendJson(res, 401, { error: 'unauthorized' });
    return undefined;
  }
  const body = request.body;
  if (!isJson(body) || typeof body.model !== 'string' || !body.model) {
    sendJson(res, 400, { error: 'model is required' });
    return undefined;
  }
  if (!Array.isArray(body.messages)) {
    sendJson(res, 400, { error: 'messages is required' });
    return undefined;
  }
  // Ollama streams unless told not to.
  return { model: body.model, stream: body.stream !== false };
}

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
      return sendJson(
        ctx.res,
        b.status,
        b.body ?? { error: b.message ?? defaultMessage(b.status, ctx.model) },
        b.headers,
      );
    case 'cut': // streams only (adaptToStream)
      return sendCut(ctx, b.afterChunks);
    case 'truncated': // non-stream only (adaptToStream)
      return sendTruncated(
        ctx.res,
        ctx.closed,
        JSON_HEADERS,
        JSON.stringify(wholeAnswer(ctx, DEFAULT_TEXT.text, 'stop', DEFAULT_TEXT.usage)),
      );
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

/** The non-stream answer: one object with the whole message and the last line's fields. */
function wholeAnswer(ctx: Ctx, content: string, finish: 'stop' | 'length', usage: FakeUsage): Json {
  return { ...line(ctx, { role: 'assistant', content }, true), ...done(finish, usage) };
}

/** Text; a stream waits `pacing` before each line (and before the done line), non-stream the sum. */
async function sendText(
  ctx: Ctx,
  texts: string[],
  pacing: Pacing,
  usage: FakeUsage = { input: 12, output: Math.max(1, texts.length) },
  finish: 'stop' | 'length' = 'stop',
): Promise<void> {
  const count = texts.length;
  if (!ctx.stream) {
    let total = 0;
    for (let i = 0; i <= count; i++) total += pacing(i, count);
    await waitUnlessClosed(total, ctx.closed);
    if (ctx.state.closed) return;
    return sendJson(ctx.res, 200, wholeAnswer(ctx, texts.join(''), finish, usage));
  }
  startNdjson(ctx.res);
  for (const [i, text] of texts.entries()) {
    await waitUnlessClosed(pacing(i, count), ctx.closed);
    if (ctx.state.closed) return;
    write(ctx.res, line(ctx, { role: 'assistant', content: text }, false));
  }
  await waitUnlessClosed(pacing(count, count), ctx.closed);
  if (ctx.state.closed) return;
  write(ctx.res, {
    ...line(ctx, { role: 'assistant', content: '' }, true),
    ...done(finish, usage),
  });
  ctx.res.end();
}

async function sendToolCall(ctx: Ctx, behaviour: BehaviourOf<'tool_call'>): Promise<void> {
  const message = {
    role: 'assistant',
    content: '',
    tool_calls: [
      {
        ...(behaviour.id && { id: behaviour.id }),
        function: { index: 0, name: behaviour.name, arguments: parseArgs(behaviour.arguments) },
      },
    ],
  };
  const usage = behaviour.usage ?? { input: 40, output: 9 };
  if (!ctx.stream) {
    return sendJson(ctx.res, 200, { ...line(ctx, message, true), ...done('stop', usage) });
  }
  startNdjson(ctx.res);
  write(ctx.res, line(ctx, message, false));
  write(ctx.res, {
    ...line(ctx, { role: 'assistant', content: '' }, true),
    ...done('stop', usage),
  });
  ctx.res.end();
}

/** A stream whose socket dies after `afterChunks` lines. */
async function sendCut(ctx: Ctx, afterChunks: number): Promise<void> {
  startNdjson(ctx.res);
  for (let i = 0; i < afterChunks; i++) {
    write(ctx.res, line(ctx, { role: 'assistant', content: `piece${i} ` }, false));
  }
  if (await waitUnlessClosed(20, ctx.closed)) killConnection(ctx.res);
}

async function sendStreamError(ctx: Ctx, afterChunks: number, message?: string): Promise<void> {
  const text = message ?? 'an error was encountered while running the model: unexpected EOF';
  if (!ctx.stream) return sendJson(ctx.res, 500, { error: text });
  startNdjson(ctx.res);
  for (let i = 0; i < afterChunks; i++) {
    write(ctx.res, line(ctx, { role: 'assistant', content: `piece${i} ` }, false));
  }
  write(ctx.res, { error: text });
  ctx.res.end();
}

function line(ctx: Ctx, message: Json, isDone: boolean): Json {
  return { model: ctx.model, created_at: new Date().toISOString(), message, done: isDone };
}

/** The fields of the last line: why it stopped, durations (ns) and token counts. */
function done(finish: 'stop' | 'length', usage: FakeUsage): Json {
  return {
    done_reason: finish,
    total_duration: 1_204_556_000,
    load_duration: 21_083_000,
    prompt_eval_count: usage.input,
    prompt_eval_duration: 140_311_000,
    eval_count: usage.output,
    eval_duration: 1_022_145_000,
  };
}

function defaultMessage(status: number, model: string): string {
  if (status === 404) return `model '${model}' not found`;
  if (status === 503) return 'server busy, please try again.  maximum pending requests exceeded';
  return 'an error was encountered while running the model';
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers });
  res.end(text);
}

function startNdjson(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
}

function write(res: ServerResponse, body: Json): void {
  res.write(`${JSON.stringify(body)}\n`);
}

function parseArgs(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    return isJson(value) ? value : {};
  } catch {
    return {};
  }
}
