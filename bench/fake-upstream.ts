/**
 * Fake OpenAI upstream for the benchmark: a separate process (so its CPU is not counted against the
 * proxy under test) answering POST /v1/chat/completions instantly with a fixed, realistic
 * completion; with `"stream": true` a short SSE stream (role chunk, content chunks, finish chunk,
 * usage chunk when `stream_options.include_usage` is set, `[DONE]`), the first chunk written
 * together with the headers. Prints `{"port":N}` on stdout once listening.
 *
 * Env: PORT (default 0 = any), BENCH_STREAM_CHUNKS (default 20), BENCH_STREAM_CHUNK_DELAY_MS
 * (default 0: no artificial delay between chunks), BENCH_PACED_CHUNK_DELAY_MS (default 10: the
 * delay between chunks when the requested model's name contains "paced"; the first chunk still
 * goes out at once with the headers).
 */
import http from 'node:http';

const MODEL = 'bench-model-2025-01-01';
const CHUNKS = positiveInt(process.env.BENCH_STREAM_CHUNKS, 20);
const CHUNK_DELAY_MS = Number(process.env.BENCH_STREAM_CHUNK_DELAY_MS ?? '0') || 0;
/** delay between chunks for models whose name contains "paced" (the paced stream cells) */
const PACED_CHUNK_DELAY_MS = Number(process.env.BENCH_PACED_CHUNK_DELAY_MS ?? '10') || 0;
const WORDS = [
  'Your',
  ' order',
  ' #4411',
  ' shipped',
  ' yesterday',
  ' from',
  ' our',
  ' Rotterdam',
  ' warehouse',
  ' and',
  ' should',
  ' arrive',
  ' on',
  ' Friday',
  '.',
  ' You',
  ' can',
  ' track',
  ' it',
  ' here',
];

function positiveInt(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const words = Array.from({ length: CHUNKS }, (_, i) => WORDS[i % WORDS.length]);
const usage = {
  prompt_tokens: 182,
  completion_tokens: CHUNKS,
  total_tokens: 182 + CHUNKS,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};
let counter = 0;
let served = 0;

function completionBody(id: string): string {
  return JSON.stringify({
    id,
    object: 'chat.completion',
    created: 1764241200,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: words.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  });
}

function streamFrames(id: string, includeUsage: boolean): string[] {
  const base = {
    id,
    object: 'chat.completion.chunk',
    created: 1764241200,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  };
  const chunk = (delta: object, finish: string | null): string =>
    `data: ${JSON.stringify({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    })}\n\n`;
  const frames = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (const word of words) frames.push(chunk({ content: word }, null));
  frames.push(chunk({}, 'stop'));
  if (includeUsage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
  frames.push('data: [DONE]\n\n');
  return frames;
}

interface ParsedRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
}

function parseRequest(raw: string): ParsedRequest | undefined {
  try {
    const body: unknown = JSON.parse(raw);
    if (typeof body !== 'object' || body === null) return undefined;
    const record = body as {
      model?: unknown;
      stream?: unknown;
      stream_options?: { include_usage?: unknown };
    };
    return {
      model: typeof record.model === 'string' ? record.model : '',
      stream: record.stream === true,
      includeUsage: record.stream_options?.include_usage === true,
    };
  } catch {
    return undefined;
  }
}

function writeStream(res: http.ServerResponse, frames: string[], delayMs: number): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': `req_${counter}`,
  });
  if (delayMs <= 0) {
    for (const frame of frames) res.write(frame);
    res.end();
    return;
  }
  let index = 0;
  const next = (): void => {
    if (res.destroyed) return;
    res.write(frames[index++]);
    if (index >= frames.length) res.end();
    else setTimeout(next, delayMs);
  };
  next();
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ served }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      '{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}',
    );
    return;
  }
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    const parsed = parseRequest(Buffer.concat(parts).toString('utf8'));
    if (parsed === undefined) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        '{"error":{"message":"bad json","type":"invalid_request_error","param":null,"code":null}}',
      );
      return;
    }
    served++;
    const id = `chatcmpl-bench${++counter}`;
    if (parsed.stream) {
      const delayMs = parsed.model.includes('paced') ? PACED_CHUNK_DELAY_MS : CHUNK_DELAY_MS;
      writeStream(res, streamFrames(id, parsed.includeUsage), delayMs);
      return;
    }
    const body = completionBody(id);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': `req_${counter}`,
      'openai-processing-ms': '312',
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
