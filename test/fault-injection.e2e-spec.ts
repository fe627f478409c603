import { request, type IncomingHttpHeaders } from 'node:http';
import { startFakeAnthropicUpstream } from './fakes/anthropic-upstream';
import { DEFAULT_TEXT, pieces, type FakeUpstream } from './fakes/fake-upstream';
import {
  createFaultSource,
  DEFAULT_FAULT_PROFILE,
  drawFault,
  FAULT_KINDS,
  faultBehaviour,
  mulberry32,
  protobufDuration,
  rateLimited,
  validateFaultMix,
  type FaultKind,
  type FaultMix,
  type RetryHint,
} from './fakes/faults';
import { startFakeGeminiUpstream } from './fakes/gemini-upstream';
import { startFakeOllamaUpstream } from './fakes/ollama-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';

/**
 * The fake upstreams' fault injection, over real HTTP (no gateway): the seeded draw, every new
 * behaviour kind in every provider's wire format, the 429 retry-hint forms, and the bookkeeping
 * (fault counters, abandoned requests).
 */

// ---- a raw HTTP client that sees exactly what the fake sent -------------------------------------

interface Exchange {
  status?: number;
  headers: IncomingHttpHeaders;
  /** body bytes as they arrived, `at` ms after the request was sent */
  arrivals: { at: number; text: string }[];
  body: string;
  /** the response ended normally */
  complete: boolean;
  error?: NodeJS.ErrnoException;
  elapsedMs: number;
}

interface Call {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** One request on its own connection; settles when the response or the connection is over. */
function exchange(base: string, call: Call, abortAfterMs?: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const result: Exchange = { headers: {}, arrivals: [], body: '', complete: false, elapsedMs: 0 };
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      result.body = result.arrivals.map((a) => a.text).join('');
      result.elapsedMs = Date.now() - started;
      resolve(result);
    };
    const req = request(`${base}${call.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...call.headers },
      agent: false,
    });
    req.on('response', (res) => {
      result.status = res.statusCode;
      result.headers = res.headers;
      res.on('data', (chunk: Buffer) =>
        result.arrivals.push({ at: Date.now() - started, text: chunk.toString('utf-8') }),
      );
      res.on('end', () => (result.complete = true));
      res.on('error', (error: NodeJS.ErrnoException) => (result.error ??= error));
      res.on('close', settle);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      result.error ??= error;
      settle();
    });
    // aborted before any response: nothing else will settle it
    req.on('close', () => {
      if (result.status === undefined) settle();
    });
    if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
    req.end(JSON.stringify(call.body));
  });
}

/** Navigates parsed JSON without trusting its shape. */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The JSON payloads of the complete `data:` lines of an SSE body. */
function sseData(raw: string): unknown[] {
  return raw
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => parseJson(line.slice('data: '.length)));
}

/** The complete lines of an NDJSON body. */
function ndjson(raw: string): unknown[] {
  return raw
    .split('\n')
    .slice(0, -1)
    .filter(Boolean)
    .map((line) => parseJson(line));
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

// ---- the providers, as a client sees them -------------------------------------------------------

interface Flavour {
  name: 'openai' | 'azure' | 'anthropic' | 'gemini' | 'ollama';
  fake: () => FakeUpstream;
  call(stream: boolean): Call;
  /** the text of each content event / line in a (partial) stream body */
  contents(raw: string): string[];
  /** the stream carries the provider's normal end */
  finished(raw: string): boolean;
  /** the text of a whole non-stream answer */
  answerText(json: unknown): unknown;
  /** the 429 body is this provider's rate-limit error */
  isRateLimitBody(json: unknown): boolean;
  /** a mix's `overloaded` fault */
  overloaded: { status: number; check: (json: unknown) => boolean };
}

const messages = [{ role: 'user', content: 'Hi' }];
const servers: Partial<Record<'openai' | 'anthropic' | 'gemini' | 'ollama', FakeUpstream>> = {};
const server = (name: keyof typeof servers) => () => servers[name]!;

const openAiContents = (raw: string) =>
  sseData(raw)
    .map((data) => dig(data, 'choices', 0, 'delta', 'content'))
    .filter(nonEmpty);

const FLAVOURS: Flavour[] = [
  {
    name: 'openai',
    fake: server('openai'),
    call: (stream) => ({
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer test-key' },
      body: { model: 'gpt-4o-mini', messages, stream },
    }),
    contents: openAiContents,
    finished: (raw) => raw.includes('data: [DONE]'),
    answerText: (json) => dig(json, 'choices', 0, 'message', 'content'),
    isRateLimitBody: (json) => dig(json, 'error', 'code') === 'rate_limit_exceeded',
    overloaded: {
      status: 503,
      check: (json) => /overloaded/.test(String(dig(json, 'error', 'message'))),
    },
  },
  {
    name: 'azure',
    fake: server('openai'),
    call: (stream) => ({
      path: '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21',
      headers: { 'api-key': 'test-key' },
      body: { messages, stream },
    }),
    contents: openAiContents,
    finished: (raw) => raw.includes('data: [DONE]'),
    answerText: (json) => dig(json, 'choices', 0, 'message', 'content'),
    isRateLimitBody: (json) => dig(json, 'error', 'code') === '429',
    overloaded: { status: 503, check: (json) => dig(json, 'error', 'code') === '503' },
  },
  {
    name: 'anthropic',
    fake: server('anthropic'),
    call: (stream) => ({
      path: '/v1/messages',
      headers: { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' },
      body: { model: 'claude-sonnet-4-5', max_tokens: 64, messages, stream },
    }),
    contents: (raw) =>
      sseData(raw)
        .filter((data) => dig(data, 'type') === 'content_block_delta')
        .map((data) => dig(data, 'delta', 'text'))
        .filter(nonEmpty),
    finished: (raw) => sseData(raw).some((data) => dig(data, 'type') === 'message_stop'),
    answerText: (json) => dig(json, 'content', 0, 'text'),
    isRateLimitBody: (json) =>
      dig(json, 'type') === 'error' && dig(json, 'error', 'type') === 'rate_limit_error',
    overloaded: {
      status: 529,
      check: (json) =>
        dig(json, 'error', 'type') === 'overloaded_error' &&
        dig(json, 'error', 'message') === 'Overloaded',
    },
  },
  {
    name: 'gemini',
    fake: server('gemini'),
    call: (stream) => ({
      path: stream
        ? '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'
        : '/v1beta/models/gemini-2.5-flash:generateContent',
      headers: { 'x-goog-api-key': 'test-key' },
      body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
    }),
    contents: (raw) =>
      sseData(raw)
        .map((data) => dig(data, 'candidates', 0, 'content', 'parts', 0, 'text'))
        .filter(nonEmpty),
    finished: (raw) =>
      sseData(raw).some((data) => dig(data, 'candidates', 0, 'finishReason') === 'STOP'),
    answerText: (json) => dig(json, 'candidates', 0, 'content', 'parts', 0, 'text'),
    isRateLimitBody: (json) => dig(json, 'error', 'status') === 'RESOURCE_EXHAUSTED',
    overloaded: {
      status: 503,
      check: (json) =>
        dig(json, 'error', 'status') === 'UNAVAILABLE' &&
        /model is overloaded/.test(String(dig(json, 'error', 'message'))),
    },
  },
  {
    name: 'ollama',
    fake: server('ollama'),
    call: (stream) => ({
      path: '/api/chat',
      headers: {},
      body: { model: 'llama3.2', messages, stream },
    }),
    contents: (raw) =>
      ndjson(raw)
        .filter((line) => dig(line, 'done') === false)
        .map((line) => dig(line, 'message', 'content'))
        .filter(nonEmpty),
    finished: (raw) => ndjson(raw).some((line) => dig(line, 'done') === true),
    answerText: (json) => dig(json, 'message', 'content'),
    isRateLimitBody: (json) => typeof dig(json, 'error') === 'string',
    overloaded: {
      status: 503,
      check: (json) => /server busy/.test(String(dig(json, 'error'))),
    },
  },
];

const HINT_HEADERS = ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'];
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

function retryInfoOf(json: unknown): unknown {
  const details = dig(json, 'error', 'details');
  if (!Array.isArray(details)) return undefined;
  return dig(
    details.find((detail) => dig(detail, '@type') === RETRY_INFO),
    'retryDelay',
  );
}

function hintHeadersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of HINT_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') found[name] = value;
  }
  return found;
}

/** What a 429 built by rateLimited(hint) must carry on this provider, and nothing else. */
function expectedHint(
  flavour: Flavour['name'],
  hint: RetryHint,
): { headers: Record<string, string>; retryInfo?: string } {
  const gemini = flavour === 'gemini';
  switch (hint.kind) {
    case 'retry-after-seconds':
      return gemini
        ? { headers: {}, retryInfo: `${hint.seconds}s` }
        : { headers: { 'retry-after': String(hint.seconds) } };
    case 'retry-after-date':
      return { headers: { 'retry-after': hint.at.toUTCString() } };
    case 'retry-after-ms':
      return { headers: { 'retry-after-ms': String(hint.ms) } };
    case 'x-ms-retry-after-ms':
      return { headers: { 'x-ms-retry-after-ms': String(hint.ms) } };
    case 'gemini-retry-delay':
      return gemini ? { headers: {}, retryInfo: protobufDuration(hint.seconds) } : { headers: {} };
  }
}

const HINTS: RetryHint[] = [
  { kind: 'retry-after-seconds', seconds: 7 },
  { kind: 'retry-after-date', at: new Date(Date.now() + 30_000) },
  { kind: 'retry-after-ms', ms: 35 },
  { kind: 'x-ms-retry-after-ms', ms: 750 },
  { kind: 'gemini-retry-delay', seconds: 27 },
];

/** the largest silence between two arrivals, and the body received before it */
function largestGap(arrivals: Exchange['arrivals']): { gapMs: number; before: string } {
  let best = { gapMs: 0, before: '' };
  for (let i = 1; i < arrivals.length; i++) {
    const gapMs = arrivals[i].at - arrivals[i - 1].at;
    if (gapMs > best.gapMs) {
      best = {
        gapMs,
        before: arrivals
          .slice(0, i)
          .map((a) => a.text)
          .join(''),
      };
    }
  }
  return best;
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeAll(async () => {
  servers.openai = await startFakeOpenAiUpstream();
  servers.anthropic = await startFakeAnthropicUpstream();
  servers.gemini = await startFakeGeminiUpstream();
  servers.ollama = await startFakeOllamaUpstream();
});

afterEach(() => {
  for (const fake of Object.values(servers)) fake.setFaults(undefined);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((fake) => fake.close()));
});

// ---- the draw, as a pure function ---------------------------------------------------------------

describe('seeded fault draw', () => {
  const mix: FaultMix = {
    seed: 1234,
    rate: 0.3,
    weights: { rate_limited: 3, server_error: 1, reset: 1, stall_mid: 1 },
    tail: { probability: 0.1, ms: 200 },
  };
  const sequence = (m: FaultMix, n: number) => {
    const next = createFaultSource(m);
    return Array.from({ length: n }, () => next());
  };

  it('is the same sequence for the same seed, and another for another seed', () => {
    const first = sequence(mix, 200);
    expect(sequence(mix, 200)).toEqual(first);
    const other = sequence({ ...mix, seed: 4321 }, 200);
    expect(other.map((d) => d.fault)).not.toEqual(first.map((d) => d.fault));
    // mulberry32 itself is deterministic and in [0, 1)
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 100; i++) {
      const value = a();
      expect(value).toBe(b());
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('honours the rate, the weights and the tail over 1,000 draws', () => {
    const draws = sequence(mix, 1000);
    const faults = draws.filter((d) => d.fault !== undefined);
    expect(faults.length).toBeGreaterThanOrEqual(250);
    expect(faults.length).toBeLessThanOrEqual(350);
    const rateLimited = faults.filter((d) => d.fault === 'rate_limited').length;
    expect(rateLimited / faults.length).toBeGreaterThan(0.4); // weight 3 of 6
    expect(rateLimited / faults.length).toBeLessThan(0.6);
    // only kinds with a weight are drawn
    expect(new Set(faults.map((d) => d.fault))).toEqual(
      new Set(['rate_limited', 'server_error', 'reset', 'stall_mid']),
    );
    const tails = draws.filter((d) => d.tailMs > 0).length;
    expect(tails).toBeGreaterThanOrEqual(60);
    expect(tails).toBeLessThanOrEqual(140);
    // the tail is independent of the fault: it delays faults and normal answers alike
    expect(draws.some((d) => d.tailMs > 0 && d.fault !== undefined)).toBe(true);
    expect(draws.some((d) => d.tailMs > 0 && d.fault === undefined)).toBe(true);
    const delayed = draws.find((d) => d.tailMs > 0 && d.fault === undefined)!;
    expect(delayed.behaviour).toEqual({ type: 'stall', ms: 200 });
  });

  it('never faults at rate 0 and always at rate 1', () => {
    const random = mulberry32(99);
    const never = Array.from({ length: 200 }, () =>
      drawFault(random, { seed: 99, rate: 0, weights: { reset: 1 } }),
    );
    expect(never.every((d) => d.fault === undefined && d.behaviour === undefined)).toBe(true);
    const always = Array.from({ length: 200 }, () =>
      drawFault(random, { seed: 99, rate: 1, weights: { reset: 1 } }),
    );
    expect(always.every((d) => d.fault === 'reset')).toBe(true);
  });

  it('gives each fault fast, sensible parameters', () => {
    for (const u of [0, 0.5, 0.999]) {
      const limited = faultBehaviour('rate_limited', u);
      expect(limited).toMatchObject({ type: 'error', status: 429 });
      const ms = Number((limited as { headers: Record<string, string> }).headers['retry-after-ms']);
      expect(ms).toBeGreaterThanOrEqual(20);
      expect(ms).toBeLessThanOrEqual(50);
      expect(faultBehaviour('cut', u)).toMatchObject({ type: 'cut' });
      expect(faultBehaviour('stall_mid', u, { stallMs: 300 })).toMatchObject({ ms: 300 });
    }
    expect(faultBehaviour('stall_first_byte', 0)).toEqual({ type: 'stall', ms: 2000 });
    expect(faultBehaviour('overloaded', 0)).toEqual(DEFAULT_FAULT_PROFILE.overloaded);
    expect(
      faultBehaviour(
        'rate_limited',
        0,
        { retryAfterMs: { min: 5, max: 5 } },
        {
          ...DEFAULT_FAULT_PROFILE,
          rateLimitHint: (wait) => ({ kind: 'gemini-retry-delay', seconds: wait / 1000 }),
        },
      ),
    ).toEqual({ type: 'error', status: 429, retryDelay: '0.005s' });
  });

  it('rejects a mix it cannot draw from', () => {
    expect(() => validateFaultMix({ seed: 1, rate: 1.5, weights: { reset: 1 } })).toThrow(
      RangeError,
    );
    expect(() => validateFaultMix({ seed: 1, rate: 0.5, weights: {} })).toThrow(/positive weight/);
    expect(() => validateFaultMix({ seed: 1, rate: 0.5, weights: { reset: -1 } })).toThrow();
    expect(() =>
      validateFaultMix({ seed: 1, rate: 0, weights: {}, tail: { probability: 2, ms: 1 } }),
    ).toThrow();
    expect(() => servers.openai!.setFaults({ seed: 1, rate: -1, weights: {} })).toThrow();
  });

  it('renders each retry hint as exactly one field', () => {
    const at = new Date('2030-01-02T03:04:05Z');
    expect(rateLimited({ kind: 'retry-after-seconds', seconds: 3 })).toEqual({
      type: 'error',
      status: 429,
      headers: { 'retry-after': '3' },
    });
    expect(rateLimited({ kind: 'retry-after-date', at }).headers).toEqual({
      'retry-after': 'Wed, 02 Jan 2030 03:04:05 GMT',
    });
    expect(rateLimited({ kind: 'retry-after-ms', ms: 30 }).headers).toEqual({
      'retry-after-ms': '30',
    });
    expect(rateLimited({ kind: 'x-ms-retry-after-ms', ms: 30 }).headers).toEqual({
      'x-ms-retry-after-ms': '30',
    });
    expect(rateLimited({ kind: 'gemini-retry-delay', seconds: 27 })).toEqual({
      type: 'error',
      status: 429,
      retryDelay: '27s',
    });
    expect(rateLimited()).toEqual({ type: 'error', status: 429 });
  });
});

// ---- every behaviour kind, in every provider's wire format --------------------------------------

describe.each(FLAVOURS)('$name fake', (flavour) => {
  const send = (stream: boolean, abortAfterMs?: number) =>
    exchange(flavour.fake().url, flavour.call(stream), abortAfterMs);

  it.each([false, true])('reset (stream %s): the connection dies before any byte', async (s) => {
    flavour.fake().enqueue({ type: 'reset' });
    const result = await send(s);
    expect(result.status).toBeUndefined();
    expect(result.body).toBe('');
    expect(result.error?.code).toBe('ECONNRESET');
  });

  it.each(['truncated', 'cut'] as const)(
    '%s (non-stream): headers and half a JSON body, then the socket ends',
    async (type) => {
      flavour
        .fake()
        .enqueue(type === 'cut' ? { type: 'cut', afterChunks: 2 } : { type: 'truncated' });
      const result = await send(false);
      expect(result.status).toBe(200);
      expect(result.headers['content-type']).toMatch(/^application\/json/);
      expect(result.complete).toBe(false);
      expect(result.error).toBeDefined();
      expect(result.body.length).toBeGreaterThan(10);
      expect(Number(result.headers['content-length'])).toBeGreaterThan(result.body.length);
      expect(result.body.trimStart().startsWith('{')).toBe(true);
      expect(() => JSON.parse(result.body) as unknown).toThrow();
    },
  );

  it('truncated (stream): one content event, then the socket ends', async () => {
    flavour.fake().enqueue({ type: 'truncated' });
    const result = await send(true);
    expect(result.status).toBe(200);
    expect(flavour.contents(result.body)).toHaveLength(1);
    expect(flavour.finished(result.body)).toBe(false);
    expect(result.complete).toBe(false);
  });

  it('stall_mid (stream): chunks, a pause, then the rest and a normal end', async () => {
    flavour.fake().enqueue({ type: 'stall_mid', afterChunks: 2, ms: 200 });
    const result = await send(true);
    expect(result.status).toBe(200);
    const { gapMs, before } = largestGap(result.arrivals);
    expect(gapMs).toBeGreaterThanOrEqual(180);
    expect(flavour.contents(before)).toEqual(pieces(DEFAULT_TEXT.text).slice(0, 2));
    expect(flavour.contents(result.body).join('')).toBe(DEFAULT_TEXT.text);
    expect(flavour.finished(result.body)).toBe(true);
    expect(result.complete).toBe(true);
  });

  it('stall_mid (non-stream): a stall, then the whole answer', async () => {
    flavour.fake().enqueue({ type: 'stall_mid', afterChunks: 2, ms: 100 });
    const result = await send(false);
    expect(result.status).toBe(200);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(95);
    expect(flavour.answerText(parseJson(result.body))).toBe(DEFAULT_TEXT.text);
  });

  it.each(HINTS.map((hint) => [hint.kind, hint] as const))(
    'a 429 with the %s hint carries that hint only',
    async (_kind, hint) => {
      flavour.fake().enqueue(rateLimited(hint));
      const result = await send(false);
      expect(result.status).toBe(429);
      const json = parseJson(result.body);
      expect(flavour.isRateLimitBody(json)).toBe(true);
      const expected = expectedHint(flavour.name, hint);
      expect(hintHeadersOf(result.headers)).toEqual(expected.headers);
      expect(retryInfoOf(json)).toBe(expected.retryInfo);
      // the message names no wait of its own
      expect(result.body).not.toMatch(/try again in \d|retry after \d/i);
    },
  );

  it('renders the mix faults that depend on the provider: overloaded, unavailable', async () => {
    const fake = flavour.fake();
    fake.setFaults({ seed: 5, rate: 1, weights: { overloaded: 1 } });
    const overloaded = await send(false);
    expect(overloaded.status).toBe(flavour.overloaded.status);
    expect(flavour.overloaded.check(parseJson(overloaded.body))).toBe(true);
    fake.setFaults({ seed: 5, rate: 1, weights: { unavailable: 1 } });
    const unavailable = await send(false);
    expect(unavailable.status).toBe(503);
    expect(parseJson(unavailable.body)).toBeDefined();
  });

  it("gives a mix's rate_limited fault a short wait in the provider's own form", async () => {
    flavour.fake().setFaults({ seed: 8, rate: 1, weights: { rate_limited: 1 } });
    const result = await send(false);
    expect(result.status).toBe(429);
    const wait =
      flavour.name === 'gemini'
        ? Number(String(retryInfoOf(parseJson(result.body))).replace(/s$/, '')) * 1000
        : Number(result.headers['retry-after-ms']);
    expect(wait).toBeGreaterThanOrEqual(20);
    expect(wait).toBeLessThanOrEqual(50);
  });
});

// ---- the frame: the mix on a live server, counters, abandoned requests ---------------------------

describe('fault mix on a live fake', () => {
  const quickMix: FaultMix = {
    seed: 42,
    rate: 0.6,
    weights: {
      rate_limited: 2,
      server_error: 1,
      unavailable: 1,
      overloaded: 1,
      reset: 1,
      cut: 1,
      truncated: 1,
    },
  };
  const openai = FLAVOURS[0];

  it('draws the same faults for the same seed and request order, as the pure draw does', async () => {
    const a = await startFakeOpenAiUpstream();
    const b = await startFakeOpenAiUpstream();
    try {
      a.setFaults(quickMix);
      b.setFaults(quickMix);
      const outcomes: Exchange[] = [];
      for (let i = 0; i < 40; i++) {
        outcomes.push(await exchange(a.url, openai.call(false)));
        await exchange(b.url, openai.call(false));
      }
      const kinds = (fake: FakeUpstream) => fake.requests.map((r) => r.fault ?? 'none');
      expect(kinds(a)).toEqual(kinds(b));
      const next = createFaultSource(quickMix);
      const expected = Array.from({ length: 40 }, () => next().fault ?? 'none');
      expect(kinds(a)).toEqual(expected);
      expect(new Set(kinds(a)).size).toBeGreaterThanOrEqual(5);

      const counted = FAULT_KINDS.reduce((sum, kind) => sum + a.faultsInjected[kind], 0);
      expect(counted).toBe(kinds(a).filter((kind) => kind !== 'none').length);
      expect(a.faultsInjected).toEqual(b.faultsInjected);

      // each drawn fault is what the client saw
      const statusOf: Partial<Record<FaultKind | 'none', number>> = {
        none: 200,
        rate_limited: 429,
        server_error: 500,
        unavailable: 503,
        overloaded: 503,
      };
      kinds(a).forEach((kind, i) => {
        const outcome = outcomes[i];
        if (kind === 'reset') expect(outcome.error?.code).toBe('ECONNRESET');
        else if (kind === 'cut' || kind === 'truncated') expect(outcome.complete).toBe(false);
        else expect(outcome.status).toBe(statusOf[kind]);
      });
      // the fake's own kills are not clients going away
      expect(a.abandoned).toEqual([]);
      expect(a.abortedStreams).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('lets a queued behaviour win over the mix, without drawing for it', async () => {
    const fake = servers.ollama!;
    const before = fake.faultsInjected.reset;
    fake.setFaults({ seed: 1, rate: 1, weights: { reset: 1 } });
    fake.enqueue({ type: 'text', text: 'Queued answer.' });
    const queued = await exchange(fake.url, FLAVOURS[4].call(false));
    expect(FLAVOURS[4].answerText(parseJson(queued.body))).toBe('Queued answer.');
    expect(fake.requests.at(-1)!.fault).toBeUndefined();
    const drawn = await exchange(fake.url, FLAVOURS[4].call(false));
    expect(drawn.error?.code).toBe('ECONNRESET');
    expect(fake.requests.at(-1)!.fault).toBe('reset');
    expect(fake.faultsInjected.reset).toBe(before + 1);
    fake.setFaults(undefined);
    const normal = await exchange(fake.url, FLAVOURS[4].call(false));
    expect(normal.status).toBe(200);
  });

  it('delays answers with the slow tail, independently of the fault rate', async () => {
    const fake = servers.anthropic!;
    const before = fake.slowTails;
    fake.setFaults({ seed: 3, rate: 0, weights: {}, tail: { probability: 1, ms: 150 } });
    const result = await exchange(fake.url, FLAVOURS[2].call(false));
    expect(result.status).toBe(200);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(140);
    expect(fake.slowTails).toBe(before + 1);
    expect(fake.requests.at(-1)).toMatchObject({ tailMs: 150 });
    expect(fake.requests.at(-1)!.fault).toBeUndefined();
  });

  it('records a non-stream request the client abandons (a hedged loser)', async () => {
    const fake = servers.gemini!;
    const abandonedBefore = fake.abandoned.length;
    const abortedBefore = fake.abortedStreams.length;
    fake.enqueue({ type: 'stall', ms: 2000 });
    const call = FLAVOURS[3].call(false);
    const sentAt = Date.now();
    const result = await exchange(fake.url, call, 100);
    expect(result.status).toBeUndefined();
    await until(() => fake.abandoned.length > abandonedBefore);
    const entry = fake.abandoned.at(-1)!;
    expect(entry).toMatchObject({ method: 'POST', url: call.path });
    expect(entry.at - sentAt).toBeGreaterThanOrEqual(90);
    expect(entry.at - sentAt).toBeLessThan(1000);
    expect(fake.abortedStreams.length).toBe(abortedBefore + 1);
  });

  it('records a stream the client abandons mid-way, but not the streams the fake cuts', async () => {
    const fake = servers.openai!;
    const before = fake.abandoned.length;
    fake.enqueue({ type: 'cut', afterChunks: 1 }, { type: 'truncated' }, { type: 'reset' });
    await exchange(fake.url, openai.call(true));
    await exchange(fake.url, openai.call(false));
    await exchange(fake.url, openai.call(true));
    fake.enqueue({ type: 'stall_mid', afterChunks: 1, ms: 2000 });
    const result = await exchange(fake.url, openai.call(true), 100);
    expect(openai.contents(result.body)).toEqual(['Hello ']);
    await until(() => fake.abandoned.length > before);
    expect(fake.abandoned.slice(before)).toEqual([
      expect.objectContaining({ url: '/v1/chat/completions' }),
    ]);
  });
});
