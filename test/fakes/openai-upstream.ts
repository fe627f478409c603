import type { ServerResponse } from 'node:http';
import {
  adaptToStream,
  DEFAULT_BEHAVIOUR,
  DEFAULT_TEXT,
  killConnection,
  pauseAfter,
  pieces,
  sendTruncated,
  sleep,
  startFakeServer,
  waitUnlessClosed,
  writeSse,
  type ErrorBehaviour,
  type FakeBehaviour,
  type FakeUpstream,
  type FakeUsage,
  type Pacing,
  type RecordedRequest,
} from './fake-upstream';

/**
 * A fake OpenAI Chat Completions upstream. It serves both
 * - OpenAI: `POST /v1/chat/completions` with `Authorization: Bearer test-key` (base URL `${url}/v1`),
 * - Azure OpenAI: `POST /openai/deployments/{deployment}/chat/completions?api-version=...` with
 *   `api-key: test-key` (base URL `${url}`), whose bodies carry Azure's content-filter annotations,
 * and, with `apiKey: null`, an OpenAI-compatible server without auth.
 *
 * Faults: `reset` is a TCP RST before any byte; `truncated` (and a non-stream `cut`) sends half of
 * the chat.completion JSON; `stall_mid` pauses after `afterChunks` content chunks (the role chunk
 * does not count); errors use `{"error":{message,type,param,code}}` (Azure: `{"error":{code,
 * message}}`), default messages name no retry wait, so a 429 carries only the hint headers a test
 * gives (`retryDelay` is ignored); a mix's `overloaded` is a 503 "engine is currently overloaded".
 */
export interface FakeOpenAiOptions {
  /** the key clients must send; null accepts any request (OpenAI-compatible servers) */
  apiKey?: string | null;
  /** streams end with `data: [DONE]` (default true; some compatible servers omit it) */
  sendDone?: boolean;
  /** the usage chunk: when the request asks with stream_options (default), or never */
  streamUsage?: 'when-asked' | 'never';
}

type Flavour = 'openai' | 'azure';

interface Exchange {
  flavour: Flavour;
  model: string;
  stream: boolean;
  includeUsage: boolean;
  options: Required<FakeOpenAiOptions>;
}

const AZURE_PATH = /^\/openai\/deployments\/([^/?]+)\/chat\/completions(?:\?(.*))?$/;
const OPENAI_PATH = /^\/v1\/chat\/completions(?:\?.*)?$/;
const CREATED = 1764241200;

export async function startFakeOpenAiUpstream(
  options: FakeOpenAiOptions = {},
): Promise<FakeUpstream> {
  const settings: Required<FakeOpenAiOptions> = {
    apiKey: options.apiKey === undefined ? 'test-key' : options.apiKey,
    sendDone: options.sendDone ?? true,
    streamUsage: options.streamUsage ?? 'when-asked',
  };
  let sequence = 0;
  return startFakeServer(async (request, behaviour, res, closed) => {
    const route = routeOf(request, settings);
    if ('reject' in route) {
      sendJson(res, route.reject.status, route.reject.body);
      return;
    }
    sequence += 1;
    const id = `chatcmpl-fake${String(sequence).padStart(6, '0')}`;
    await serve(route, id, behaviour, res, closed);
  });
}

function routeOf(
  request: RecordedRequest,
  options: Required<FakeOpenAiOptions>,
): Exchange | { reject: { status: number; body: unknown } } {
  const azure = AZURE_PATH.exec(request.url);
  const flavour: Flavour | undefined = azure
    ? 'azure'
    : OPENAI_PATH.test(request.url)
      ? 'openai'
      : undefined;
  if (request.method !== 'POST' || flavour === undefined) {
    return {
      reject: {
        status: 404,
        body: openAiError(
          `Invalid URL (${request.method} ${request.url})`,
          'invalid_request_error',
          null,
        ),
      },
    };
  }
  if (flavour === 'azure' && !new URLSearchParams(azure?.[2] ?? '').get('api-version')) {
    return {
      reject: {
        status: 404,
        body: { error: { code: '404', message: 'Resource not found' } },
      },
    };
  }
  if (options.apiKey !== null && !hasKey(request, flavour, options.apiKey)) {
    return { reject: { status: 401, body: authError(flavour, request) } };
  }
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
    model?: unknown;
    stream?: unknown;
    stream_options?: { include_usage?: unknown };
  };
  const deployment = azure ? decodeURIComponent(azure[1]) : undefined;
  return {
    flavour,
    model: typeof body.model === 'string' ? body.model : (deployment ?? 'gpt-4o-mini'),
    stream: body.stream === true,
    includeUsage:
      options.streamUsage === 'when-asked' && body.stream_options?.include_usage === true,
    options,
  };
}

function hasKey(request: RecordedRequest, flavour: Flavour, key: string): boolean {
  return flavour === 'azure'
    ? request.headers['api-key'] === key
    : request.headers.authorization === `Bearer ${key}`;
}

function authError(flavour: Flavour, request: RecordedRequest): unknown {
  if (flavour === 'azure') {
    return {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    };
  }
  const sent = String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  return openAiError(
    sent
      ? `Incorrect API key provided: ${sent}. You can find your API key at https://platform.openai.com/account/api-keys.`
      : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    sent ? 'invalid_api_key' : null,
  );
}

async function serve(
  ex: Exchange,
  id: string,
  behaviour: FakeBehaviour,
  res: ServerResponse,
  closed: Promise<void>,
): Promise<void> {
  const b = adaptToStream(behaviour, ex.stream);
  switch (b.type) {
    case 'stall':
      if (await waitUnlessClosed(b.ms, closed)) {
        await serve(ex, id, b.then ?? DEFAULT_BEHAVIOUR, res, closed);
      }
      return;
    case 'reset':
      killConnection(res, 'reset');
      return;
    case 'truncated':
      await sendTruncated(
        res,
        closed,
        JSON_HEADERS,
        JSON.stringify(completion(ex, id, DEFAULT_TEXT)),
      );
      return;
    case 'stall_mid':
      await streamPaced(ex, id, DEFAULT_TEXT.text, pauseAfter(b.afterChunks, b.ms), res, closed);
      return;
    case 'error':
      sendJson(res, b.status, b.body ?? statusError(ex.flavour, b), b.headers);
      return;
    case 'cut': // streams only (adaptToStream)
      startStream(ex, res);
      for (const chunk of textChunks(ex, id, 'The answer is being cut off right here now.').slice(
        0,
        b.afterChunks + 1,
      )) {
        writeSse(res, chunk);
      }
      await sleep(10);
      killConnection(res);
      return;
    case 'stream_error': {
      const message =
        b.message ?? 'The server had an error processing your request. Sorry about that!';
      if (!ex.stream) {
        sendJson(res, 500, statusError(ex.flavour, { type: 'error', status: 500, message }));
        return;
      }
      startStream(ex, res);
      for (const chunk of textChunks(ex, id, 'Partial answer before the upstream failed.').slice(
        0,
        b.afterChunks + 1,
      )) {
        writeSse(res, chunk);
      }
      writeSse(res, openAiError(message, 'server_error', null));
      res.end();
      return;
    }
    case 'slow':
      if (!ex.stream) {
        await sleep(b.intervalMs);
        sendJson(res, 200, completion(ex, id, { type: 'text', text: b.text }));
        return;
      }
      await streamPaced(ex, id, b.text, () => b.intervalMs, res, closed);
      return;
    case 'text':
    case 'tool_call':
      if (!ex.stream) {
        sendJson(res, 200, completion(ex, id, b));
        return;
      }
      startStream(ex, res);
      for (const chunk of b.type === 'text'
        ? textChunks(ex, id, b.text, b.finish ?? 'stop')
        : toolCallChunks(ex, id, b)) {
        writeSse(res, chunk);
      }
      finishStream(ex, id, res, b.usage ?? DEFAULT_USAGE);
  }
}

const DEFAULT_USAGE: FakeUsage = { input: 12, output: 6 };
const JSON_HEADERS = { 'content-type': 'application/json', 'x-request-id': 'req_fake' };

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { ...JSON_HEADERS, ...headers });
  res.end(JSON.stringify(body));
}

function startStream(ex: Exchange, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': 'req_fake',
  });
  if (ex.flavour === 'azure') writeSse(res, azurePromptFilterChunk());
}

function finishStream(ex: Exchange, id: string, res: ServerResponse, usage: FakeUsage): void {
  if (ex.includeUsage)
    writeSse(res, { ...chunkEnvelope(ex, id), choices: [], usage: wireUsage(usage) });
  if (ex.options.sendDone) writeSse(res, '[DONE]');
  res.end();
}

/** The role chunk, then the content chunks and the finish chunk, each after its `pacing` wait. */
async function streamPaced(
  ex: Exchange,
  id: string,
  text: string,
  pacing: Pacing,
  res: ServerResponse,
  closed: Promise<void>,
): Promise<void> {
  const [role, ...rest] = textChunks(ex, id, text);
  const count = rest.length - 1; // content chunks; the last one of `rest` is the finish chunk
  startStream(ex, res);
  writeSse(res, role);
  for (const [index, chunk] of rest.entries()) {
    if (!(await waitUnlessClosed(pacing(index, count), closed)) || res.destroyed) return;
    writeSse(res, chunk);
  }
  finishStream(ex, id, res, DEFAULT_USAGE);
}

// ---- wire bodies -------------------------------------------------------------------------------

function openAiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

function statusError(flavour: Flavour, behaviour: ErrorBehaviour) {
  const message = behaviour.message ?? defaultMessage(flavour, behaviour.status);
  if (flavour === 'azure') return { error: { code: String(behaviour.status), message } };
  if (behaviour.status === 429) return openAiError(message, 'requests', 'rate_limit_exceeded');
  if (behaviour.status >= 500) return openAiError(message, 'server_error', null);
  return openAiError(message, 'invalid_request_error', null);
}

/** The real messages, without the "Please try again in ..." a real 429 adds (a hint of its own). */
function defaultMessage(flavour: Flavour, status: number): string {
  if (status === 429 && flavour === 'azure') {
    return 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current AIServices S0 pricing tier. Please contact Azure support service if you would like to further increase the default rate limit.';
  }
  if (status === 429) {
    return 'Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 500, Used 500, Requested 1. Visit https://platform.openai.com/account/rate-limits to learn more.';
  }
  if (status === 503) return 'The engine is currently overloaded, please try again later';
  if (status >= 500)
    return 'The server had an error while processing your request. Sorry about that!';
  return 'Invalid request.';
}

function wireUsage(usage: FakeUsage) {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cached ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const SAFE = { filtered: false, severity: 'safe' };
const AZURE_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };

function azurePromptFilterChunk() {
  return {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: [
      {
        prompt_index: 0,
        content_filter_results: {
          ...AZURE_FILTER_RESULTS,
          jailbreak: { filtered: false, detected: false },
        },
      },
    ],
  };
}

function completion(
  ex: Exchange,
  id: string,
  behaviour: Extract<FakeBehaviour, { type: 'text' | 'tool_call' }>,
) {
  const message =
    behaviour.type === 'text'
      ? { role: 'assistant', content: behaviour.text, refusal: null, annotations: [] }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: behaviour.id ?? 'call_fake0001',
              type: 'function',
              function: { name: behaviour.name, arguments: behaviour.arguments },
            },
          ],
        };
  const finish = behaviour.type === 'text' ? (behaviour.finish ?? 'stop') : 'tool_calls';
  const choice = { index: 0, message, logprobs: null, finish_reason: finish };
  const azure = ex.flavour === 'azure';
  return {
    id,
    object: 'chat.completion',
    created: CREATED,
    model: ex.model,
    choices: [azure ? { ...choice, content_filter_results: AZURE_FILTER_RESULTS } : choice],
    usage: wireUsage(behaviour.usage ?? DEFAULT_USAGE),
    ...(azure
      ? {
          prompt_filter_results: [
            { prompt_index: 0, content_filter_results: AZURE_FILTER_RESULTS },
          ],
        }
      : { service_tier: 'default' }),
    system_fingerprint: 'fp_fake0001',
  };
}

function chunkEnvelope(ex: Exchange, id: string) {
  return {
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: ex.model,
    system_fingerprint: 'fp_fake0001',
    ...(ex.includeUsage ? { usage: null } : {}),
  };
}

function chunk(
  ex: Exchange,
  id: string,
  delta: Record<string, unknown>,
  finish: string | null = null,
) {
  const choice = { index: 0, delta, logprobs: null, finish_reason: finish };
  return {
    ...chunkEnvelope(ex, id),
    choices: [
      ex.flavour === 'azure' ? { ...choice, content_filter_results: AZURE_FILTER_RESULTS } : choice,
    ],
  };
}

/** role chunk, one chunk per piece of text, the finish chunk */
function textChunks(ex: Exchange, id: string, text: string, finish = 'stop') {
  return [
    chunk(ex, id, { role: 'assistant', content: '', refusal: null }),
    ...pieces(text).map((piece) => chunk(ex, id, { content: piece })),
    chunk(ex, id, {}, finish),
  ];
}

function toolCallChunks(
  ex: Exchange,
  id: string,
  behaviour: Extract<FakeBehaviour, { type: 'tool_call' }>,
) {
  const args = behaviour.arguments;
  const third = Math.ceil(args.length / 3);
  const fragments = [
    args.slice(0, third),
    args.slice(third, 2 * third),
    args.slice(2 * third),
  ].filter(Boolean);
  return [
    chunk(ex, id, {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          index: 0,
          id: behaviour.id ?? 'call_fake0001',
          type: 'function',
          function: { name: behaviour.name, arguments: '' },
        },
      ],
      refusal: null,
    }),
    ...fragments.map((fragment) =>
      chunk(ex, id, { tool_calls: [{ index: 0, function: { arguments: fragment } }] }),
    ),
    chunk(ex, id, {}, 'tool_calls'),
  ];
}
