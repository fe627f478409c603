import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TEST_DATABASE_URL,
  dropSchema,
  uniqueSchemaName,
} from '@app/conversations/testing/postgres-test-database';
import type { FakeUpstream } from './fakes/fake-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import { postEventStream, type BrowserSseEvent } from './support/browser-sse';
import { startGateway, type RunningGateway } from './support/gateway-harness';

/**
 * Server-side conversations (`/v1/conversations`) as a frontend uses them: a browser-style SSE
 * client, ownership per API key, prompt templates, partial replies, and history that survives a
 * restart on SQLite and on PostgreSQL.
 */

const KEY_A = 'sk-alice-conversations-e2e';
const KEY_B = 'sk-bob-conversations-e2e';
const KEY_C = 'sk-carol-conversations-e2e';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface WireMessage {
  seq: number;
  role: string;
  content: string | null;
  status: 'complete' | 'partial';
  finish_reason?: string;
  deployment?: string;
  usage?: { input_tokens: number; output_tokens: number };
  request_id?: string;
  created_at: string;
}

interface WireConversation {
  id: string;
  object: string;
  model: string | null;
  prompt: { name: string; version?: string; label?: string } | null;
  system: string | null;
  title: string | null;
  metadata: Record<string, string>;
  message_count: number;
  created_at: string;
  updated_at: string;
  messages?: WireMessage[];
}

interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface Reply<T> {
  status: number;
  headers: Headers;
  json: T;
}

/** One JSON request as a frontend makes it. */
async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : null) as T };
}

/** The messages the upstream received in its last (or `index`-th) request. */
function sentMessages(upstream: FakeUpstream, index = -1): { role: string; content: string }[] {
  const request = upstream.requests.at(index)!;
  return (request.body as { messages: { role: string; content: string }[] }).messages;
}

/** Polls an async check until it passes (the partial turn is stored after the response ends). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() - started > 3000) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function gatewayYaml(upstreamUrl: string, storageYaml: string, authYaml = ''): string {
  return `
server:
  heartbeatMs: 15000
${authYaml}
providers:
  - { name: up, type: openai, baseUrl: ${upstreamUrl}/v1, apiKey: test-key }
deployments:
  - { name: mini@up, provider: up, model: gpt-4o-mini, contextWindow: 16384, maxOutputTokens: 1024 }
routes:
  chat:
    targets: [mini@up]
    retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 50 }
  smart:
    targets: [mini@up]
    retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 50 }
prompts: { dir: prompts, watch: false }
conversations:
  defaultModel: chat
${storageYaml}
`;
}

const AUTH_YAML = `
auth:
  apiKeys:
    - { id: alice, sha256: ${sha256(KEY_A)} }
    - { id: bob, sha256: ${sha256(KEY_B)} }
    - { id: carol, sha256: ${sha256(KEY_C)} }
`;

describe('conversations API', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conversations-e2e-'));
    upstream = await startFakeOpenAiUpstream();
    gateway = await startGateway(
      gatewayYaml(upstream.url, `storage: { sqlitePath: ${join(dir, 'gateway.db')} }`, AUTH_YAML),
    );
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const create = (body: unknown, key = KEY_A) =>
    call<WireConversation>(gateway.url, 'POST', '/v1/conversations', { key, body });
  const get = (id: string, key = KEY_A) =>
    call<WireConversation>(gateway.url, 'GET', `/v1/conversations/${id}`, { key });
  const stream = (id: string, body: unknown, options: Parameters<typeof postEventStream>[2] = {}) =>
    postEventStream(`${gateway.url}/v1/conversations/${id}/messages`, body, {
      ...options,
      headers: { authorization: `Bearer ${KEY_A}`, ...options.headers },
    });
  const names = (events: BrowserSseEvent[]) => events.map((e) => e.event);
  const deltas = (events: BrowserSseEvent[]) =>
    events
      .filter((e) => e.event === 'delta')
      .map((e) => (e.json as { content: string }).content)
      .join('');

  describe('streaming replies to a browser-style client', () => {
    it('sends delta events, then usage, then done; the deltas are the stored reply', async () => {
      const created = await create({ system: 'You are terse.', title: 'Parcel' });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        object: 'conversation',
        model: 'chat',
        system: 'You are terse.',
        title: 'Parcel',
        prompt: null,
        metadata: {},
        message_count: 0,
      });
      const { id } = created.json;

      const text = 'Your parcel left the depot this morning and should arrive tomorrow.';
      upstream.enqueue({ type: 'text', text, usage: { input: 21, output: 13 } });
      const result = await stream(id, { content: 'Where is my parcel?' });

      expect(result.status).toBe(200);
      expect(result.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(result.headers.get('x-gateway-deployment')).toBe('mini@up');
      const order = names(result.events);
      expect(order.slice(-2)).toEqual(['usage', 'done']);
      expect(order.slice(0, -2).every((name) => name === 'delta')).toBe(true);
      expect(order.filter((name) => name === 'delta').length).toBeGreaterThan(3);
      expect(deltas(result.events)).toBe(text);
      // the turn's cost at gpt-4o-mini's list price: 21 x $0.15/M + 13 x $0.60/M
      expect(result.events.at(-2)!.json).toEqual({
        input_tokens: 21,
        output_tokens: 13,
        total_tokens: 34,
        cost_usd: 0.00001095,
      });
      const done = result.events.at(-1)!.json as {
        user_message: WireMessage;
        message: WireMessage;
      };
      expect(done.user_message).toMatchObject({
        seq: 1,
        role: 'user',
        content: 'Where is my parcel?',
        status: 'complete',
      });
      expect(done.message).toMatchObject({
        seq: 2,
        role: 'assistant',
        content: text,
        status: 'complete',
        finish_reason: 'stop',
        deployment: 'mini@up',
        usage: { input_tokens: 21, output_tokens: 13 },
      });

      const stored = await get(id);
      expect(stored.json.message_count).toBe(2);
      expect(stored.json.messages!.map((m) => m.content)).toEqual([
        'Where is my parcel?',
        deltas(result.events),
      ]);
      expect(stored.json.messages![1]).toEqual(done.message);

      // the upstream got the system prompt and the turn, streamed with usage
      const sent = upstream.requests.at(-1)!.body as Record<string, unknown>;
      expect(sent).toMatchObject({ model: 'gpt-4o-mini', stream: true });
      expect(sentMessages(upstream)).toEqual([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Where is my parcel?' },
      ]);

      // the next turn carries the whole history
      upstream.enqueue({ type: 'text', text: 'Yes, by 6 pm.' });
      const second = await stream(id, { content: 'Before the evening?' });
      expect(names(second.events).at(-1)).toBe('done');
      expect(sentMessages(upstream)).toEqual([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Where is my parcel?' },
        { role: 'assistant', content: text },
        { role: 'user', content: 'Before the evening?' },
      ]);
      const seqs = second.events.at(-1)!.json as {
        user_message: WireMessage;
        message: WireMessage;
      };
      expect([seqs.user_message.seq, seqs.message.seq]).toEqual([3, 4]);
    });

    it('answers JSON with stream: false', async () => {
      const { json } = await create({});
      upstream.enqueue({
        type: 'text',
        text: 'Plain JSON answer.',
        usage: { input: 9, output: 4 },
      });
      const res = await call<{ user_message: WireMessage; message: WireMessage }>(
        gateway.url,
        'POST',
        `/v1/conversations/${json.id}/messages`,
        { key: KEY_A, body: { content: 'Hi', stream: false, max_tokens: 50, temperature: 0.2 } },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.json.user_message).toMatchObject({ seq: 1, role: 'user', content: 'Hi' });
      expect(res.json.message).toMatchObject({
        seq: 2,
        role: 'assistant',
        content: 'Plain JSON answer.',
        status: 'complete',
        usage: { input_tokens: 9, output_tokens: 4 },
      });
      const sent = upstream.requests.at(-1)!.body as Record<string, unknown>;
      expect(sent).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
      expect(sent.stream).not.toBe(true);
      expect(sent.max_completion_tokens ?? sent.max_tokens).toBe(50);
      expect((await get(json.id)).json.messages).toEqual([res.json.user_message, res.json.message]);
    });
  });

  describe('create, get, list, delete', () => {
    it('lists only the conversations of the caller, newest first, page by page', async () => {
      const ids: string[] = [];
      for (const title of ['first', 'second', 'third']) {
        const res = await create({ title, metadata: { ticket: `T-${title}` } }, KEY_C);
        expect(res.status).toBe(201);
        ids.push(res.json.id);
      }
      const page1 = await call<{ object: string; data: WireConversation[]; next_cursor: string }>(
        gateway.url,
        'GET',
        '/v1/conversations?limit=2',
        { key: KEY_C },
      );
      expect(page1.status).toBe(200);
      expect(page1.json.object).toBe('list');
      expect(page1.json.data.map((c) => c.title)).toEqual(['third', 'second']);
      expect(page1.json.data[0].metadata).toEqual({ ticket: 'T-third' });
      expect(page1.json.data[0]).not.toHaveProperty('messages');
      expect(page1.json.next_cursor).toEqual(expect.any(String));
      const page2 = await call<{ data: WireConversation[]; next_cursor: string | null }>(
        gateway.url,
        'GET',
        `/v1/conversations?limit=2&before=${encodeURIComponent(page1.json.next_cursor)}`,
        { key: KEY_C },
      );
      expect(page2.json.data.map((c) => c.id)).toEqual([ids[0]]);
      expect(page2.json.next_cursor).toBeNull();
      // another key's list does not show them
      const other = await call<{ data: WireConversation[] }>(
        gateway.url,
        'GET',
        '/v1/conversations?limit=100',
        { key: KEY_B },
      );
      expect(other.json.data.some((c) => ids.includes(c.id))).toBe(false);
    });

    it('deletes a conversation; afterwards it is 404 conversation_not_found', async () => {
      const { json } = await create({ title: 'to delete' });
      upstream.enqueue({ type: 'text', text: 'Soon gone.' });
      await stream(json.id, { content: 'hello' });
      const deleted = await call(gateway.url, 'DELETE', `/v1/conversations/${json.id}`, {
        key: KEY_A,
      });
      expect(deleted.status).toBe(200);
      expect(deleted.json).toEqual({ id: json.id, object: 'conversation.deleted', deleted: true });
      for (const [method, path] of [
        ['GET', `/v1/conversations/${json.id}`],
        ['DELETE', `/v1/conversations/${json.id}`],
      ]) {
        const res = await call<OpenAiError>(gateway.url, method, path, { key: KEY_A });
        expect(res.status).toBe(404);
        expect(res.json.error).toMatchObject({ code: 'conversation_not_found' });
      }
    });

    it('hides a conversation from another key: 404, never 403, on every route', async () => {
      const { json } = await create({ system: 'Alice only.' });
      const before = upstream.requests.length;
      const attempts: [string, string, unknown][] = [
        ['GET', `/v1/conversations/${json.id}`, undefined],
        ['POST', `/v1/conversations/${json.id}/messages`, { content: 'hi', stream: false }],
        ['DELETE', `/v1/conversations/${json.id}`, undefined],
      ];
      for (const [method, path, body] of attempts) {
        const res = await call<OpenAiError>(gateway.url, method, path, { key: KEY_B, body });
        expect(res.status).toBe(404);
        expect(res.json.error).toEqual({
          message: `No conversation found with id '${json.id}'.`,
          type: expect.stringMatching(/_error$/),
          param: 'conversation_id',
          code: 'conversation_not_found',
        });
      }
      // the streamed message route answers the same 404 as plain JSON
      const streamed = await postEventStream(
        `${gateway.url}/v1/conversations/${json.id}/messages`,
        { content: 'hi' },
        { headers: { authorization: `Bearer ${KEY_B}` } },
      );
      expect(streamed.status).toBe(404);
      expect(streamed.body).toMatchObject({ error: { code: 'conversation_not_found' } });
      // an unknown id looks exactly the same
      const unknown = await call<OpenAiError>(
        gateway.url,
        'GET',
        '/v1/conversations/00000000-0000-4000-8000-000000000000',
        { key: KEY_A },
      );
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.code).toBe('conversation_not_found');
      // nothing reached the model, nothing was stored, Alice still has it
      expect(upstream.requests.length).toBe(before);
      const mine = await get(json.id);
      expect(mine.status).toBe(200);
      expect(mine.json.message_count).toBe(0);
    });

    it('refuses a request without a key with 401', async () => {
      const res = await call<OpenAiError>(gateway.url, 'GET', '/v1/conversations');
      expect(res.status).toBe(401);
      expect(res.json.error.type).toMatch(/_error$/);
    });

    it.each([
      ['an unknown field', { title: 'x', colour: 'red' }, 'colour'],
      ['a non-string title', { title: 5 }, 'title'],
      ['metadata that is not strings', { metadata: { n: 1 } }, 'metadata.n'],
      ['a prompt without a name', { prompt: { version: 1 } }, 'prompt.name'],
      ['an unknown prompt field', { prompt: { name: 'support-reply', v: 1 } }, 'prompt.v'],
      [
        'both system and prompt',
        {
          system: 'x',
          prompt: {
            name: 'support-reply',
            variables: { company: 'Acme', product: 'Skates', tone: 'formal' },
          },
        },
        'system',
      ],
      [
        'a template variable that is not allowed',
        {
          prompt: {
            name: 'support-reply',
            variables: { company: 'Acme', product: 'Skates', tone: 'rude' },
          },
        },
        'variables.tone',
      ],
    ])('create with %s is 400 naming the field', async (_name, body, param) => {
      const res = await call<OpenAiError>(gateway.url, 'POST', '/v1/conversations', {
        key: KEY_A,
        body,
      });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(res.json.error.message).toEqual(expect.any(String));
    });

    it('create with an unknown model is 404 model_not_found', async () => {
      const res = await create({ model: 'no-such-route' });
      expect(res.status).toBe(404);
      expect(res.json as unknown as OpenAiError).toMatchObject({
        error: { code: 'model_not_found', param: 'model' },
      });
    });

    it.each([
      ['an empty content', { content: '' }, 'content'],
      ['a missing content', { stream: false }, 'content'],
      ['an unknown field', { content: 'hi', role: 'user' }, 'role'],
      ['a bad max_tokens', { content: 'hi', max_tokens: 0 }, 'max_tokens'],
      ['a temperature out of range', { content: 'hi', temperature: 3 }, 'temperature'],
      ['a non-boolean stream', { content: 'hi', stream: 'yes' }, 'stream'],
    ])('a message with %s is 400 naming the field', async (_name, body, param) => {
      const { json } = await create({});
      const before = upstream.requests.length;
      const res = await call<OpenAiError>(
        gateway.url,
        'POST',
        `/v1/conversations/${json.id}/messages`,
        { key: KEY_A, body },
      );
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(upstream.requests.length).toBe(before);
      expect((await get(json.id)).json.message_count).toBe(0);
    });

    it.each([['0'], ['101'], ['abc'], ['1.5']])(
      'list with limit=%s is 400 naming limit',
      async (limit) => {
        const res = await call<OpenAiError>(
          gateway.url,
          'GET',
          `/v1/conversations?limit=${limit}`,
          {
            key: KEY_A,
          },
        );
        expect(res.status).toBe(400);
        expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param: 'limit' });
      },
    );

    it('list with a cursor that is not one is 400 naming before', async () => {
      const res = await call<OpenAiError>(gateway.url, 'GET', '/v1/conversations?before=nonsense', {
        key: KEY_A,
      });
      expect(res.status).toBe(400);
      expect(res.json.error.param).toBe('before');
    });
  });

  describe('conversations from a prompt template', () => {
    const variables = { company: 'Acme', product: 'Rocket Skates', tone: 'friendly' };

    /** The system prompt the template renders, from the dry-run endpoint. */
    async function renderedSystem(version: number): Promise<string> {
      const res = await call<{ messages: { role: string; content: string }[] }>(
        gateway.url,
        'POST',
        '/v1/prompts/support-reply/render',
        { key: KEY_A, body: { version, variables: { ...variables, message: 'unused' } } },
      );
      expect(res.status).toBe(200);
      expect(res.json.messages[0].role).toBe('system');
      return res.json.messages[0].content;
    }

    it('pins the version, stores the rendered system prompt and sends it first', async () => {
      const created = await create({ prompt: { name: 'support-reply', variables } });
      expect(created.status).toBe(201);
      expect(created.headers.get('x-gateway-prompt')).toBe('support-reply@1');
      const system = await renderedSystem(1);
      expect(system).toContain('customer-support agent for Acme, helping customers with Rocket');
      expect(created.json).toMatchObject({
        model: 'smart', // the template's route
        prompt: { name: 'support-reply', version: '1', label: 'production' },
        system,
      });

      upstream.enqueue({ type: 'text', text: 'Happy to help! What is your order number?' });
      const first = await stream(created.json.id, { content: 'My skates squeak.' });
      expect(names(first.events).at(-1)).toBe('done');
      expect(sentMessages(upstream)).toEqual([
        { role: 'system', content: system },
        { role: 'user', content: 'My skates squeak.' },
      ]);
      upstream.enqueue({ type: 'text', text: 'Thanks, I have found order 4411.' });
      await stream(created.json.id, { content: 'Order 4411.' });
      expect(sentMessages(upstream)).toEqual([
        { role: 'system', content: system },
        { role: 'user', content: 'My skates squeak.' },
        { role: 'assistant', content: 'Happy to help! What is your order number?' },
        { role: 'user', content: 'Order 4411.' },
      ]);
      const stored = await get(created.json.id);
      expect(stored.json.prompt).toEqual({
        name: 'support-reply',
        version: '1',
        label: 'production',
      });
      expect(stored.json.system).toBe(system);
    });

    it('pins an explicit version, whose system prompt differs', async () => {
      const created = await create({ prompt: { name: 'support-reply', version: 2, variables } });
      expect(created.status).toBe(201);
      const system = await renderedSystem(2);
      expect(system).not.toBe(await renderedSystem(1));
      expect(created.json.prompt).toEqual({ name: 'support-reply', version: '2' });
      expect(created.json.system).toBe(system);
      upstream.enqueue({ type: 'text', text: 'Sure.' });
      await stream(created.json.id, { content: 'Hello?' });
      expect(sentMessages(upstream)[0]).toEqual({ role: 'system', content: system });
    });
  });

  describe('replies that do not finish', () => {
    it('a client that disconnects mid-reply leaves the text it got, stored as partial', async () => {
      const { json } = await create({});
      const text = 'one two three four five six seven eight nine ten eleven twelve';
      upstream.enqueue({ type: 'slow', text, intervalMs: 150 });
      const abandonedBefore = upstream.abandoned.length;
      let seen = 0;
      const result = await stream(
        json.id,
        { content: 'Count slowly.' },
        {
          onEvent: (event) => (event.event === 'delta' && ++seen === 3 ? 'abort' : undefined),
        },
      );
      expect(result.aborted).toBe(true);
      expect(names(result.events)).toEqual(['delta', 'delta', 'delta']);
      const received = deltas(result.events);
      expect(received).toBe('one two three ');

      const stored = await eventually(
        () => get(json.id),
        (res) => res.json.message_count === 2,
      );
      expect(stored.json.messages).toHaveLength(2);
      expect(stored.json.messages![0]).toMatchObject({ seq: 1, role: 'user', status: 'complete' });
      expect(stored.json.messages![1]).toMatchObject({
        seq: 2,
        role: 'assistant',
        status: 'partial',
        content: received,
        deployment: 'mini@up',
      });
      expect(stored.json.messages![1]).not.toHaveProperty('finish_reason');
      // the upstream request was cancelled too, not read to its end
      await eventually(
        async () => upstream.abandoned.length,
        (n) => n > abandonedBefore,
      );
      expect(upstream.abandoned.length).toBe(abandonedBefore + 1);

      // the next turn sends the partial text to the model (the user saw it)
      upstream.enqueue({ type: 'text', text: 'thirteen' });
      const next = await stream(json.id, { content: 'Go on.' });
      expect(names(next.events).at(-1)).toBe('done');
      expect(sentMessages(upstream)).toEqual([
        { role: 'user', content: 'Count slowly.' },
        { role: 'assistant', content: received },
        { role: 'user', content: 'Go on.' },
      ]);
    });

    it.each([
      [
        'fails with an in-stream error',
        { type: 'stream_error', afterChunks: 2 } as const,
        'upstream_error',
      ],
      ['cuts the connection', { type: 'cut', afterChunks: 2 } as const, 'upstream_stream_cut'],
    ])(
      'an upstream that %s after some text: an error event, no done, stored partial',
      async (_name, behaviour, code) => {
        const { json } = await create({});
        upstream.enqueue(behaviour);
        const result = await stream(json.id, { content: 'Tell me everything.' });
        expect(result.status).toBe(200);
        const order = names(result.events);
        expect(order).toEqual(['delta', 'delta', 'error']);
        expect(order).not.toContain('done');
        const error = result.events.at(-1)!.json as OpenAiError;
        expect(error.error).toEqual({
          message: expect.any(String),
          type: expect.stringMatching(/_error$/),
          param: null,
          code,
        });
        const received = deltas(result.events);
        expect(received.length).toBeGreaterThan(0);

        const stored = await eventually(
          () => get(json.id),
          (res) => res.json.message_count === 2,
        );
        expect(stored.json.messages![1]).toMatchObject({
          seq: 2,
          role: 'assistant',
          status: 'partial',
          content: received,
        });
      },
    );

    it('an upstream failure before any text is a plain HTTP error and stores no reply', async () => {
      const { json } = await create({});
      upstream.enqueue({ type: 'error', status: 500, message: 'exploded' });
      const result = await stream(json.id, { content: 'Hello?' });
      expect(result.status).toBeGreaterThanOrEqual(500);
      expect(result.events).toEqual([]);
      expect(result.body).toMatchObject({ error: { type: expect.stringMatching(/_error$/) } });
      const stored = await get(json.id);
      expect(stored.json.messages!.map((m) => [m.seq, m.role])).toEqual([[1, 'user']]);
    });
  });
});

describe.each([
  ['SQLite (a file in a temp dir)', 'sqlite'],
  ['PostgreSQL (a schema of its own)', 'postgres'],
] as const)('history survives a restart on %s', (_name, backend) => {
  let upstream: FakeUpstream;
  let dir: string;
  let storageYaml: string;
  const schema = uniqueSchemaName('conv_e2e');

  beforeAll(async () => {
    upstream = await startFakeOpenAiUpstream();
    dir = mkdtempSync(join(tmpdir(), 'conversations-restart-'));
    storageYaml =
      backend === 'sqlite'
        ? `storage: { sqlitePath: ${join(dir, 'history.db')} }`
        : `storage: { databaseUrl: '${TEST_DATABASE_URL}', schema: ${schema} }`;
  });
  afterAll(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
    if (backend === 'postgres') await dropSchema(schema);
  });

  it('a new app on the same storage returns the same messages and continues the seqs', async () => {
    const yaml = gatewayYaml(upstream.url, storageYaml);
    let gateway = await startGateway(yaml);
    let before: WireConversation;
    let id: string;
    try {
      const created = await call<WireConversation>(gateway.url, 'POST', '/v1/conversations', {
        body: { system: 'Remember everything.', title: 'Durable', metadata: { case: '42' } },
      });
      expect(created.status).toBe(201);
      id = created.json.id;
      upstream.enqueue({
        type: 'text',
        text: 'Noted: your name is Ada.',
        usage: { input: 20, output: 7 },
      });
      const streamed = await postEventStream(`${gateway.url}/v1/conversations/${id}/messages`, {
        content: 'My name is Ada.',
      });
      expect(streamed.events.at(-1)!.event).toBe('done');
      upstream.enqueue({
        type: 'text',
        text: 'Order 7 is on its way.',
        usage: { input: 40, output: 8 },
      });
      const plain = await call(gateway.url, 'POST', `/v1/conversations/${id}/messages`, {
        body: { content: 'And order 7?', stream: false },
      });
      expect(plain.status).toBe(200);
      before = (await call<WireConversation>(gateway.url, 'GET', `/v1/conversations/${id}`)).json;
    } finally {
      await gateway.close();
    }
    expect(before.messages!.map((m) => [m.seq, m.role, m.content, m.status, m.usage])).toEqual([
      [1, 'user', 'My name is Ada.', 'complete', undefined],
      [
        2,
        'assistant',
        'Noted: your name is Ada.',
        'complete',
        { input_tokens: 20, output_tokens: 7 },
      ],
      [3, 'user', 'And order 7?', 'complete', undefined],
      [
        4,
        'assistant',
        'Order 7 is on its way.',
        'complete',
        { input_tokens: 40, output_tokens: 8 },
      ],
    ]);

    gateway = await startGateway(yaml);
    try {
      const after = await call<WireConversation>(gateway.url, 'GET', `/v1/conversations/${id}`);
      expect(after.status).toBe(200);
      expect(after.json).toEqual(before);
      const listed = await call<{ data: WireConversation[] }>(
        gateway.url,
        'GET',
        '/v1/conversations',
      );
      expect(listed.json.data.map((c) => c.id)).toContain(id);

      // the model gets the history from before the restart; seqs go on from 5
      upstream.enqueue({ type: 'text', text: 'Yes, Ada.' });
      const next = await call<{ user_message: WireMessage; message: WireMessage }>(
        gateway.url,
        'POST',
        `/v1/conversations/${id}/messages`,
        { body: { content: 'Do you remember me?', stream: false } },
      );
      expect([next.json.user_message.seq, next.json.message.seq]).toEqual([5, 6]);
      expect(sentMessages(upstream)).toEqual([
        { role: 'system', content: 'Remember everything.' },
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Noted: your name is Ada.' },
        { role: 'user', content: 'And order 7?' },
        { role: 'assistant', content: 'Order 7 is on its way.' },
        { role: 'user', content: 'Do you remember me?' },
      ]);
    } finally {
      await gateway.close();
    }
  });
});
