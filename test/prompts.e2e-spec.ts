import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { FakeUpstream } from './fakes/fake-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import {
  requestLines,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';
import { makePromptDir, sha256, type PromptDir } from './support/prompt-dir';
import { postSse } from './support/sse-client';

/**
 * The prompt template registry over HTTP (DESIGN.md §4): browse, dry-run render, run as a
 * completion, hot reload and the start-up check, on temporary copies of the example prompts.
 */

interface OpenAiErrorJson {
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface WireMessage {
  role: string;
  content: string;
}

interface Rendering {
  object: string;
  prompt: { name: string; version: number; hash: string; label?: string };
  model: string;
  temperature?: number;
  max_tokens?: number;
  response_format?: unknown;
  messages: WireMessage[];
}

interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const hasBody = init.body !== undefined || init.raw !== undefined;
  const res = await fetch(url, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/** asserts the OpenAI error shape and returns the error */
function errorOf(res: HttpResult<unknown>): OpenAiErrorJson['error'] {
  const body = res.body as OpenAiErrorJson;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({
    message: expect.any(String),
    type: expect.stringMatching(/_error$/),
    param: body.error.param === null ? null : expect.any(String),
    code: expect.any(String),
  });
  expect(body.error.message).not.toMatch(/\bat .+\.(js|ts):\d+/);
  return body.error;
}

/** the 1-based line of the first line of `text` containing `needle` */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`'${needle}' is not in the text`);
  return index + 1;
}

/** the documented split: first 48 bits of sha256(prompt NUL label NUL user) over 2^48 */
function expectedArm(user: string): number {
  const digest = createHash('sha256').update(`support-reply\u0000experiment\u0000${user}`).digest();
  return (digest.readUIntBE(0, 6) / 2 ** 48) * 100 < 90 ? 1 : 2;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SUPPORT_VARS = {
  company: 'Acme',
  product: 'Widget Pro',
  tone: 'friendly',
  message: 'My widget arrived broken. What now?',
};

const SUPPORT_V1_SYSTEM =
  'You are a customer-support agent for Acme, helping customers with Widget Pro.\n' +
  'Write in a friendly tone. Answer only what you know from the conversation; never invent\n' +
  'order details, prices or policies. If you need an order number or an account email to help,\n' +
  'ask for it.';

/** a gateway whose routes `smart` and `fast` go to distinct deployments of one upstream */
/** an answer that matches classify-ticket's json_schema */
const CLASSIFICATION = JSON.stringify({
  category: 'technical',
  priority: 'normal',
  sentiment: 'neutral',
  reason: 'A question about the product.',
});

function fakeUpstreamConfig(upstreamUrl: string, promptsDir: string): string {
  return `
server:
  heartbeatMs: 15000
providers:
  - name: up
    type: openai
    baseUrl: ${upstreamUrl}/v1
    apiKey: test-key
deployments:
  - name: smart-dep
    provider: up
    model: smart-model
  - name: fast-dep
    provider: up
    model: fast-model
routes:
  smart:
    targets: [smart-dep]
    retry: { maxAttempts: 1 }
  fast:
    targets: [fast-dep]
    retry: { maxAttempts: 1 }
prompts:
  dir: ${JSON.stringify(promptsDir)}
  watch: false
storage:
  sqlitePath: ':memory:'
`;
}

function simulatorConfig(promptsDir: string, watch = true): string {
  return `
server:
  heartbeatMs: 15000
providers:
  - name: local
    type: simulator
    simulator: { firstTokenMs: 0, tokensPerSecond: 1000000, seed: 1 }
deployments:
  - name: sim
    provider: local
    model: sim
routes:
  smart: { targets: [sim] }
  fast: { targets: [sim] }
prompts:
  dir: ${JSON.stringify(promptsDir)}
  watch: ${watch}
storage:
  sqlitePath: ':memory:'
`;
}

describe('prompt templates over HTTP (fake OpenAI upstream)', () => {
  let prompts: PromptDir;
  let fake: FakeUpstream;
  let gateway: RunningGateway;

  const url = (path: string) => `${gateway.url}${path}`;
  const render = (name: string, body: unknown) =>
    call<Rendering>(url(`/v1/prompts/${name}/render`), { body });

  beforeAll(async () => {
    prompts = makePromptDir();
    fake = await startFakeOpenAiUpstream();
    gateway = await startGateway(fakeUpstreamConfig(fake.url, prompts.dir));
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
    prompts?.remove();
  });

  describe('list and detail', () => {
    it('lists the three example prompts with their versions and labels', async () => {
      const res = await call<{ object: string; data: Record<string, unknown>[] }>(
        url('/v1/prompts'),
      );
      expect(res.status).toBe(200);
      expect(res.body.object).toBe('list');
      expect(res.body.data.map((p) => p.name)).toEqual([
        'classify-ticket',
        'summarize-conversation',
        'support-reply',
      ]);
      const byName = Object.fromEntries(res.body.data.map((p) => [p.name, p]));
      expect(byName['support-reply']).toEqual({
        object: 'prompt',
        name: 'support-reply',
        description:
          "Answers a customer's latest message in the context of the conversation so far.",
        latest_version: 2,
        versions: [1, 2],
        labels: {
          production: 1,
          staging: 2,
          experiment: {
            split: [
              { version: 1, weight: 90 },
              { version: 2, weight: 10 },
            ],
          },
        },
      });
      expect(byName['classify-ticket']).toMatchObject({
        latest_version: 1,
        versions: [1],
        labels: {},
      });
      expect(byName['summarize-conversation']).toMatchObject({
        latest_version: 1,
        versions: [1],
        labels: {},
      });
    });

    it('details a prompt: versions with model, parameters, schema, messages and content hash', async () => {
      const res = await call<{
        name: string;
        labels: unknown;
        versions: Record<string, unknown>[];
      }>(url('/v1/prompts/support-reply'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        object: 'prompt',
        name: 'support-reply',
        latest_version: 2,
      });
      expect(res.body.labels).toMatchObject({ production: 1, staging: 2 });
      expect(res.body.versions.map((v) => v.version)).toEqual([1, 2]);
      for (const version of res.body.versions) {
        const file = `support-reply/v${String(version.version)}.yaml`;
        const source = parseYaml(prompts.read(file)) as Record<string, unknown>;
        expect(version.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(version.hash).toBe(prompts.hash(file));
        expect(version).toMatchObject({
          file,
          model: 'smart',
          description: source.description,
          parameters: { temperature: 0.3, max_tokens: 600 },
          variables: source.variables,
          messages: source.messages,
        });
        expect(version).not.toHaveProperty('response_format');
      }
      expect(res.body.versions[0].hash).not.toBe(res.body.versions[1].hash);
      const v2 = res.body.versions[1] as { variables: { properties: Record<string, unknown> } };
      expect(Object.keys(v2.variables.properties)).toEqual(
        expect.arrayContaining(['history', 'customer_name']),
      );
    });

    it('details classify-ticket with its strict json_schema response format', async () => {
      const res = await call<{ versions: Record<string, unknown>[] }>(
        url('/v1/prompts/classify-ticket'),
      );
      expect(res.status).toBe(200);
      const source = parseYaml(prompts.read('classify-ticket/v1.yaml')) as {
        responseFormat: { jsonSchema: { schema: unknown } };
      };
      expect(res.body.versions[0]).toMatchObject({
        version: 1,
        model: 'fast',
        parameters: { temperature: 0, max_tokens: 200 },
        hash: prompts.hash('classify-ticket/v1.yaml'),
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'ticket_classification',
            strict: true,
            schema: source.responseFormat.jsonSchema.schema,
          },
        },
      });
    });

    it.each(['no-such-prompt', 'SUPPORT-REPLY', '__proto__', 'constructor'])(
      'an unknown name (%s) is 404 prompt_not_found in the OpenAI error shape',
      async (name) => {
        for (const res of [
          await call(url(`/v1/prompts/${name}`)),
          await call(url(`/v1/prompts/${name}/render`), { body: {} }),
          await call(url(`/v1/prompts/${name}/completions`), { body: {} }),
        ]) {
          expect(res.status).toBe(404);
          const error = errorOf(res);
          expect(error).toMatchObject({ type: 'not_found_error', code: 'prompt_not_found' });
          expect(error.message).toContain(`'${name}'`);
        }
      },
    );
  });

  describe('render (dry run)', () => {
    it('renders the production version by default, with the exact messages', async () => {
      const res = await render('support-reply', { variables: SUPPORT_VARS });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        object: 'prompt.rendering',
        prompt: {
          name: 'support-reply',
          version: 1,
          hash: prompts.hash('support-reply/v1.yaml'),
          label: 'production',
        },
        model: 'smart',
        temperature: 0.3,
        max_tokens: 600,
        messages: [
          { role: 'system', content: SUPPORT_V1_SYSTEM },
          { role: 'user', content: SUPPORT_VARS.message },
        ],
      });
    });

    it('renders a version by number (no label) and a version by label', async () => {
      const variables = {
        ...SUPPORT_VARS,
        tone: 'formal',
        customer_name: 'Ann',
        history: [
          { role: 'customer', content: 'Where is order 1234?' },
          { role: 'agent', content: 'It ships tomorrow.' },
        ],
      };
      const byVersion = await render('support-reply', { version: 2, variables });
      expect(byVersion.status).toBe(200);
      expect(byVersion.body.prompt).toEqual({
        name: 'support-reply',
        version: 2,
        hash: prompts.hash('support-reply/v2.yaml'),
      });
      expect(byVersion.body.messages[0].content).toMatch(
        /^You are a customer-support agent for Acme, helping customers with Widget Pro\.\nWrite in a formal tone\.\n\nRules:\n/,
      );
      expect(byVersion.body.messages[1]).toEqual({
        role: 'user',
        content:
          'Conversation so far:\n' +
          'Customer: Where is order 1234?\n' +
          'Agent: It ships tomorrow.\n\n' +
          'Latest message from Ann:\n' +
          SUPPORT_VARS.message,
      });

      const byLabel = await render('support-reply', { label: 'staging', variables });
      expect(byLabel.status).toBe(200);
      expect(byLabel.body.prompt).toEqual({ ...byVersion.body.prompt, label: 'staging' });
      expect(byLabel.body.messages).toEqual(byVersion.body.messages);

      // v2 without the optional variables: the defaults of the template
      const bare = await render('support-reply', { version: 2, variables: SUPPORT_VARS });
      expect(bare.body.messages[1].content).toBe(
        `Latest message from the customer:\n${SUPPORT_VARS.message}`,
      );
    });

    it('renders the optional branches of classify-ticket and summarize-conversation', async () => {
      const withSubject = await render('classify-ticket', {
        variables: { ticket: 'I was charged twice.', subject: 'Refund' },
      });
      expect(withSubject.body.messages[1].content).toBe('Subject: Refund\nI was charged twice.');
      expect(withSubject.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'ticket_classification', strict: true },
      });
      expect(withSubject.body).toMatchObject({ model: 'fast', temperature: 0, max_tokens: 200 });
      const withoutSubject = await render('classify-ticket', {
        variables: { ticket: 'I was charged twice.' },
      });
      expect(withoutSubject.body.messages[1].content).toBe('I was charged twice.');
      // with no labels, the latest version and no label
      expect(withoutSubject.body.prompt).toEqual({
        name: 'classify-ticket',
        version: 1,
        hash: prompts.hash('classify-ticket/v1.yaml'),
      });

      const first = await render('summarize-conversation', {
        variables: { transcript: 'Customer: hi\nAgent: hello' },
      });
      expect(first.body.messages[1].content).toBe(
        'Summarise this conversation:\nCustomer: hi\nAgent: hello',
      );
      const later = await render('summarize-conversation', {
        variables: { transcript: 'Customer: thanks', previous_summary: 'Ann asked about #42.' },
      });
      expect(later.body.messages[1].content).toBe(
        'Summary of the conversation so far:\nAnn asked about #42.\n\n' +
          'Update that summary with these later turns:\nCustomer: thanks',
      );
    });

    it('keeps a weighted split sticky per user, as the documented hash says', async () => {
      const versionFor = async (user: string) => {
        const res = await render('support-reply', {
          label: 'experiment',
          user,
          variables: SUPPORT_VARS,
        });
        expect(res.status).toBe(200);
        expect(res.body.prompt.label).toBe('experiment');
        return res.body.prompt.version;
      };
      const seen = new Map<number, number>();
      for (let i = 0; i < 120; i += 1) {
        const user = `user-${i}`;
        const version = await versionFor(user);
        expect(version).toBe(expectedArm(user));
        seen.set(version, (seen.get(version) ?? 0) + 1);
      }
      // both arms appear, roughly 90/10
      expect(seen.get(1)).toBeGreaterThan(90);
      expect(seen.get(2)).toBeGreaterThan(2);
      // sticky: the same users get the same versions on later calls
      const v2User = Array.from({ length: 120 }, (_, i) => `user-${i}`).find(
        (user) => expectedArm(user) === 2,
      )!;
      for (let i = 0; i < 5; i += 1) {
        expect(await versionFor(v2User)).toBe(2);
        expect(await versionFor('user-0')).toBe(expectedArm('user-0'));
      }
    });

    it('without a user, a split still serves one of its versions', async () => {
      const versions = new Set<number>();
      for (let i = 0; i < 20; i += 1) {
        const res = await render('support-reply', { label: 'experiment', variables: SUPPORT_VARS });
        expect(res.status).toBe(200);
        versions.add(res.body.prompt.version);
      }
      for (const version of versions) expect([1, 2]).toContain(version);
    });

    it('version and label together are 400', async () => {
      const res = await render('support-reply', {
        version: 1,
        label: 'production',
        variables: SUPPORT_VARS,
      });
      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', param: 'label' });
    });

    it.each([
      [{ version: 3 }, 'prompt_version_not_found', 'version', '3'],
      [{ version: 999999 }, 'prompt_version_not_found', 'version', '999999'],
      [{ label: 'canary' }, 'prompt_label_not_found', 'label', "'canary'"],
      [{ label: '__proto__' }, 'prompt_label_not_found', 'label', "'__proto__'"],
      [{ label: 'toString' }, 'prompt_label_not_found', 'label', "'toString'"],
    ])('%j is 404 %s', async (selector, code, param, named) => {
      const res = await render('support-reply', { ...selector, variables: SUPPORT_VARS });
      expect(res.status).toBe(404);
      const error = errorOf(res);
      expect(error).toMatchObject({ type: 'not_found_error', code, param });
      expect(error.message).toContain(named);
    });
  });

  describe('errors name the variable (400, never 500)', () => {
    it.each([
      [
        'a missing required variable',
        { version: 1, variables: { ...SUPPORT_VARS, tone: undefined } },
        'variables.tone',
        /Missing variable variables\.tone/,
      ],
      [
        'an undeclared extra variable',
        { version: 1, variables: { ...SUPPORT_VARS, colour: 'red' } },
        'variables.colour',
        /variables\.colour is not declared/,
      ],
      [
        'a value outside the enum',
        { version: 1, variables: { ...SUPPORT_VARS, tone: 'angry' } },
        'variables.tone',
        /variables\.tone must be one of "friendly", "formal", "concise"/,
      ],
      [
        'a value too long',
        { version: 1, variables: { ...SUPPORT_VARS, company: 'x'.repeat(101) } },
        'variables.company',
        /variables\.company must NOT have more than 100 characters/,
      ],
      [
        'an empty required string',
        { version: 1, variables: { ...SUPPORT_VARS, message: '' } },
        'variables.message',
        /variables\.message/,
      ],
      [
        'a value of the wrong type',
        { version: 1, variables: { ...SUPPORT_VARS, product: 42 } },
        'variables.product',
        /variables\.product must be string/,
      ],
      [
        'a nested field outside its enum',
        {
          version: 2,
          variables: {
            ...SUPPORT_VARS,
            history: [
              { role: 'customer', content: 'hi' },
              { role: 'bot', content: 'hello' },
            ],
          },
        },
        'variables.history[1].role',
        /variables\.history\[1\]\.role must be one of/,
      ],
      [
        'a nested field missing',
        { version: 2, variables: { ...SUPPORT_VARS, history: [{ role: 'customer' }] } },
        'variables.history[0].content',
        /variables\.history\[0\]\.content/,
      ],
      [
        'an undeclared nested field',
        {
          version: 2,
          variables: { ...SUPPORT_VARS, history: [{ role: 'agent', content: 'x', at: 1 }] },
        },
        'variables.history[0].at',
        /variables\.history\[0\]\.at is not declared/,
      ],
      [
        'no variables at all',
        { version: 1 },
        'variables.company',
        /Missing variable variables\.company/,
      ],
    ])('%s', async (_case, body, param, message) => {
      const res = await render('support-reply', body);
      expect(res.status).toBe(400);
      const error = errorOf(res);
      expect(error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_request',
        param,
      });
      expect(error.message).toMatch(message);
    });

    it.each([
      ['an unknown top-level field', 'temprature', { variables: SUPPORT_VARS, temprature: 1 }],
      ['variables as a string', 'variables', { variables: 'company=Acme' }],
      ['variables as an array', 'variables', { variables: ['Acme'] }],
      ['variables as null', 'variables', { variables: null }],
      ['a fractional version', 'version', { version: 1.5, variables: SUPPORT_VARS }],
      ['a version as a string', 'version', { version: '1', variables: SUPPORT_VARS }],
      ['version 0', 'version', { version: 0, variables: SUPPORT_VARS }],
      ['an empty label', 'label', { label: '', variables: SUPPORT_VARS }],
      ['a user that is not a string', 'user', { user: 7, variables: SUPPORT_VARS }],
    ])('%s is 400 naming %s', async (_case, param, body) => {
      const res = await render('support-reply', body);
      expect(res.status).toBe(400);
      const error = errorOf(res);
      expect(error).toMatchObject({ type: 'invalid_request_error', param });
      expect(error.message).toContain(param);
    });

    it('a completions-only field on render is refused, naming it', async () => {
      const res = await render('support-reply', { variables: SUPPORT_VARS, stream: true });
      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({ param: 'stream' });
    });

    it.each([
      ['malformed JSON', '{"variables": {'],
      ['a JSON array body', '[]'],
      ['a prototype-poisoning key', '{"variables": {"__proto__": {"company": "x"}}}'],
      ['a constructor.prototype key', '{"variables": {"constructor": {"prototype": {"a": 1}}}}'],
    ])('%s is a 4xx, never a 500', async (_case, raw) => {
      for (const path of ['render', 'completions']) {
        const res = await call(url(`/v1/prompts/support-reply/${path}`), { raw });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        errorOf(res);
      }
    });
  });

  describe('variables are data, never template code', () => {
    const INJECTION =
      "Ignore {{ company }} and {% if true %}x{% endif %}, then {{ 'a' | upcase }}; " +
      '{% raw %}{{ kept }}{% endraw %} {% raw %} {%- comment -%} <b>&</b> &amp; "quoted"';

    it('renders template syntax in values literally, without HTML escaping', async () => {
      const res = await render('support-reply', {
        version: 1,
        variables: {
          ...SUPPORT_VARS,
          company: "{{ 'a' | upcase }} <b>&</b> {% raw %}",
          product: '{% if true %}x{% endif %}{{ company }}',
          message: INJECTION,
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.messages[0].content).toBe(
        "You are a customer-support agent for {{ 'a' | upcase }} <b>&</b> {% raw %}, helping " +
          'customers with {% if true %}x{% endif %}{{ company }}.\n' +
          SUPPORT_V1_SYSTEM.split('\n').slice(1).join('\n'),
      );
      expect(res.body.messages[1].content).toBe(INJECTION);
    });

    it('renders injected values literally inside loops and conditionals too', async () => {
      const res = await render('support-reply', {
        version: 2,
        variables: {
          ...SUPPORT_VARS,
          customer_name: '{{ message }}',
          history: [{ role: 'customer', content: '{% for x in (1..3) %}{{ x }}{% endfor %}' }],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.messages[1].content).toBe(
        'Conversation so far:\n' +
          'Customer: {% for x in (1..3) %}{{ x }}{% endfor %}\n\n' +
          'Latest message from {{ message }}:\n' +
          SUPPORT_VARS.message,
      );
    });

    it('sends the literal text upstream on a completion', async () => {
      fake.requests.length = 0;
      fake.enqueue({ type: 'text', text: CLASSIFICATION });
      const res = await call(url('/v1/prompts/classify-ticket/completions'), {
        body: { variables: { ticket: INJECTION, subject: '<i>{{ ticket }}</i>' } },
      });
      expect(res.status).toBe(200);
      const sent = fake.requests[0].body as { messages: WireMessage[] };
      expect(sent.messages[1].content).toBe(`Subject: <i>{{ ticket }}</i>\n${INJECTION}`);
    });
  });

  describe('completions', () => {
    beforeEach(() => {
      fake.requests.length = 0;
    });

    it('sends the rendered messages and the version parameters upstream; headers and log name the prompt', async () => {
      fake.enqueue({ type: 'text', text: 'Sorry to hear that!', usage: { input: 80, output: 5 } });
      const rendered = await render('support-reply', { variables: SUPPORT_VARS });
      const res = await call<{
        object: string;
        model: string;
        choices: { message: WireMessage; finish_reason: string }[];
        usage: Record<string, number>;
      }>(url('/v1/prompts/support-reply/completions'), {
        body: { variables: SUPPORT_VARS, user: 'cust-1' },
        headers: { 'x-request-id': 'prompt-run-1' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        object: 'chat.completion',
        model: 'smart',
        choices: [
          {
            message: { role: 'assistant', content: 'Sorry to hear that!' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 80, completion_tokens: 5, total_tokens: 85 },
      });
      const hash = prompts.hash('support-reply/v1.yaml');
      expect(res.headers.get('x-gateway-prompt')).toBe('support-reply@1');
      expect(res.headers.get('x-gateway-prompt-hash')).toBe(hash);
      expect(res.headers.get('x-gateway-route')).toBe('smart');
      expect(res.headers.get('x-gateway-deployment')).toBe('smart-dep');

      expect(fake.requests).toHaveLength(1);
      const sent = fake.requests[0].body as Record<string, unknown>;
      expect(sent).toEqual({
        model: 'smart-model',
        messages: rendered.body.messages,
        temperature: 0.3,
        max_completion_tokens: 600,
        user: 'cust-1',
      });

      await waitFor(() => requestLines(gateway).some((l) => l.requestId === 'prompt-run-1'));
      const line = requestLines(gateway).find((l) => l.requestId === 'prompt-run-1')!;
      expect(line).toMatchObject({
        path: '/v1/prompts/support-reply/completions',
        status: 200,
        route: 'smart',
        deployment: 'smart-dep',
        prompt: 'support-reply',
        promptVersion: 1,
        promptHash: hash,
        inputTokens: 80,
        outputTokens: 5,
      });
    });

    it("lets the caller's model and parameters win over the version's", async () => {
      const res = await call(url('/v1/prompts/support-reply/completions'), {
        body: {
          label: 'staging',
          variables: SUPPORT_VARS,
          model: 'fast',
          temperature: 0.9,
          top_p: 0.5,
          max_tokens: 42,
          seed: 7,
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-prompt')).toBe('support-reply@2');
      expect(res.headers.get('x-gateway-prompt-hash')).toBe(prompts.hash('support-reply/v2.yaml'));
      expect(res.headers.get('x-gateway-route')).toBe('fast');
      expect(fake.requests[0].body).toMatchObject({
        model: 'fast-model',
        temperature: 0.9,
        top_p: 0.5,
        max_completion_tokens: 42,
        seed: 7,
      });
      // a caller's temperature 0 is a value, not "unset"
      await call(url('/v1/prompts/support-reply/completions'), {
        body: { variables: SUPPORT_VARS, temperature: 0 },
      });
      expect(fake.requests[1].body).toMatchObject({ temperature: 0, max_completion_tokens: 600 });
    });

    it("sends classify-ticket's strict json_schema response_format and temperature 0", async () => {
      const answer = { category: 'billing', priority: 'high', sentiment: 'angry', reason: 'x' };
      fake.enqueue({ type: 'text', text: JSON.stringify(answer) });
      const res = await call<{ choices: { message: WireMessage }[] }>(
        url('/v1/prompts/classify-ticket/completions'),
        { body: { variables: { ticket: 'You charged me twice!!' } } },
      );
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.choices[0].message.content)).toEqual(answer);
      const source = parseYaml(prompts.read('classify-ticket/v1.yaml')) as {
        responseFormat: { jsonSchema: { schema: unknown } };
      };
      const sent = fake.requests[0].body as Record<string, unknown>;
      expect(sent).toMatchObject({
        model: 'fast-model',
        temperature: 0,
        max_completion_tokens: 200,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'ticket_classification',
            strict: true,
            schema: source.responseFormat.jsonSchema.schema,
          },
        },
      });
      expect((sent.messages as WireMessage[])[1]).toEqual({
        role: 'user',
        content: 'You charged me twice!!',
      });
      expect(res.headers.get('x-gateway-prompt')).toBe('classify-ticket@1');
    });

    it('streams an OpenAI SSE stream ending with [DONE], with the prompt headers and a usage chunk', async () => {
      fake.enqueue({
        type: 'text',
        text: 'We will replace it today.',
        usage: { input: 70, output: 6 },
      });
      const res = await postSse(
        url('/v1/prompts/support-reply/completions'),
        {
          variables: SUPPORT_VARS,
          stream: true,
          stream_options: { include_usage: true },
        },
        { 'x-request-id': 'prompt-stream-1' },
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/event-stream');
      expect(res.headers['x-gateway-prompt']).toBe('support-reply@1');
      expect(res.headers['x-gateway-prompt-hash']).toBe(prompts.hash('support-reply/v1.yaml'));
      expect(res.events.at(-1)).toBe('[DONE]');
      const chunks = res.events.slice(0, -1) as {
        object: string;
        model: string;
        choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[];
        usage?: Record<string, number> | null;
      }[];
      expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      const text = chunks
        .filter((c) => c.choices.length > 0)
        .map((c) => c.choices[0].delta.content ?? '')
        .join('');
      expect(text).toBe('We will replace it today.');
      const usageChunk = chunks.at(-1)!;
      expect(usageChunk.choices).toEqual([]);
      expect(usageChunk.usage).toMatchObject({
        prompt_tokens: 70,
        completion_tokens: 6,
        total_tokens: 76,
      });
      expect(fake.requests[0].body).toMatchObject({
        model: 'smart-model',
        stream: true,
        temperature: 0.3,
        max_completion_tokens: 600,
        messages: [
          { role: 'system', content: SUPPORT_V1_SYSTEM },
          { role: 'user', content: SUPPORT_VARS.message },
        ],
      });
      await waitFor(() => requestLines(gateway).some((l) => l.requestId === 'prompt-stream-1'));
      expect(requestLines(gateway).find((l) => l.requestId === 'prompt-stream-1')).toMatchObject({
        status: 200,
        stream: 'completed',
        prompt: 'support-reply',
        promptVersion: 1,
        promptHash: prompts.hash('support-reply/v1.yaml'),
      });
    });

    it('streams without a usage chunk when not asked', async () => {
      // the answer matches the prompt's json_schema: the output check lets the stream finish
      fake.enqueue({ type: 'text', text: CLASSIFICATION });
      const res = await postSse(url('/v1/prompts/classify-ticket/completions'), {
        variables: { ticket: 'hello' },
        stream: true,
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-gateway-prompt']).toBe('classify-ticket@1');
      expect(res.events.at(-1)).toBe('[DONE]');
      const chunks = res.events.slice(0, -1) as { choices: unknown[]; usage?: unknown }[];
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
    });

    it('a variable error on a stream is a plain 400 before any stream starts, with no upstream call', async () => {
      const res = await postSse(url('/v1/prompts/support-reply/completions'), {
        variables: { ...SUPPORT_VARS, tone: 'rude' },
        stream: true,
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/json');
      const body = JSON.parse(res.text) as OpenAiErrorJson;
      expect(body.error).toMatchObject({ param: 'variables.tone', code: 'invalid_request' });
      expect(fake.requests).toHaveLength(0);
    });

    it.each([
      ['an unknown top-level field', 400, 'messages', { variables: SUPPORT_VARS, messages: [] }],
      ['top_p out of range', 400, 'top_p', { variables: SUPPORT_VARS, top_p: 2 }],
      ['max_tokens 0', 400, 'max_tokens', { variables: SUPPORT_VARS, max_tokens: 0 }],
      [
        'an unknown stream option',
        400,
        'stream_options.foo',
        { variables: SUPPORT_VARS, stream: true, stream_options: { foo: true } },
      ],
      ['an unknown model', 404, 'model', { variables: SUPPORT_VARS, model: 'nope' }],
    ])('%s is %i naming %s, with no upstream call', async (_case, status, param, body) => {
      const res = await call(url('/v1/prompts/support-reply/completions'), { body });
      expect(res.status).toBe(status);
      expect(errorOf(res).param).toBe(param);
      expect(fake.requests).toHaveLength(0);
    });
  });
});

describe('hot reload without restart', () => {
  let prompts: PromptDir;
  let gateway: RunningGateway;

  const renderSupport = () =>
    call<Rendering>(`${gateway.url}/v1/prompts/support-reply/render`, {
      body: { variables: SUPPORT_VARS },
    });

  /** polls the default rendering of support-reply until `check` holds; resolves with the ms taken */
  async function pollUntil(check: (r: Rendering) => boolean, timeoutMs = 3000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const res = await renderSupport();
      expect(res.status).toBe(200);
      if (check(res.body)) return Date.now() - started;
      if (Date.now() - started > timeoutMs) {
        throw new Error(`not served in ${timeoutMs} ms: ${JSON.stringify(res.body.prompt)}`);
      }
      await sleep(10);
    }
  }

  /** the error lines logged so far that mention `text` */
  const errorLogs = (text: string) =>
    gateway.logs.filter((line) => line.level === 'error' && JSON.stringify(line).includes(text));

  const v3 = (system: string, user = '{{ message }}') =>
    [
      'description: Written while the gateway runs.',
      'route: fast',
      'parameters:',
      '  temperature: 0.5',
      'variables:',
      '  type: object',
      '  properties:',
      '    company: { type: string }',
      '    product: { type: string }',
      '    tone: { type: string, enum: [friendly, formal, concise] }',
      '    message: { type: string }',
      '  required: [company, product, tone, message]',
      'messages:',
      '  - role: system',
      `    content: '${system}'`,
      '  - role: user',
      `    content: '${user}'`,
      '',
    ].join('\n');

  beforeAll(async () => {
    prompts = makePromptDir();
    gateway = await startGateway(simulatorConfig(prompts.dir, true));
  });
  afterAll(async () => {
    await gateway?.close();
    prompts?.remove();
  });

  it('serves a new version and label within 2 s, keeps the last good one on a broken edit, and picks up the fix', async () => {
    const before = await renderSupport();
    expect(before.body.prompt).toMatchObject({ version: 1, label: 'production' });

    // 1. a new version, and production pointed at it
    const good = v3('v3 agent for {{ company }} on {{ product }}, {{ tone }}.');
    prompts.writeAtomic('support-reply/v3.yaml', good);
    const labels = prompts
      .read('support-reply/labels.yaml')
      .replace('production: 1', 'production: 3');
    prompts.writeAtomic('support-reply/labels.yaml', labels);
    const latency = await pollUntil((r) => r.prompt.version === 3);
    console.log(`prompt hot reload: new version served ${latency} ms after the write`);
    expect(latency).toBeLessThan(2000);
    const served = await renderSupport();
    expect(served.body).toMatchObject({
      prompt: { name: 'support-reply', version: 3, label: 'production' },
      model: 'fast',
      temperature: 0.5,
      messages: [
        { role: 'system', content: 'v3 agent for Acme on Widget Pro, friendly.' },
        { role: 'user', content: SUPPORT_VARS.message },
      ],
    });
    const goodHash = sha256(good);
    expect(served.body.prompt.hash).toBe(goodHash);
    // the other prompts are untouched, and a run uses the new version
    const run = await call(`${gateway.url}/v1/prompts/support-reply/completions`, {
      body: { variables: SUPPORT_VARS },
    });
    expect(run.status).toBe(200);
    expect(run.headers.get('x-gateway-prompt')).toBe('support-reply@3');
    expect(run.headers.get('x-gateway-prompt-hash')).toBe(goodHash);
    const list = await call<{ data: { name: string; versions: number[] }[] }>(
      `${gateway.url}/v1/prompts`,
    );
    expect(list.body.data.find((p) => p.name === 'support-reply')!.versions).toEqual([1, 2, 3]);

    // 2. broken edits: a Liquid syntax error, then an undeclared variable
    const brokenEdits = [
      {
        text: v3('v3 broken {% if company %}never closed'),
        needle: 'never closed',
        reason: /Liquid syntax error/,
      },
      {
        text: v3('v3 agent for {{ company }}.', '{{ message }} -- {{ signature }}'),
        needle: 'signature',
        reason: /undeclared variable 'signature'/,
      },
    ];
    for (const edit of brokenEdits) {
      const logged = errorLogs('support-reply/v3.yaml').length;
      prompts.writeAtomic('support-reply/v3.yaml', edit.text);
      await waitFor(() => errorLogs('support-reply/v3.yaml').length > logged, 2000);
      const line = errorLogs('support-reply/v3.yaml').at(-1)!;
      const location = `support-reply/v3.yaml:${lineOf(edit.text, edit.needle)}`;
      expect(String(line.message)).toContain(location);
      expect(String(line.message)).toMatch(edit.reason);
      // the last good content stays in service
      const until = Date.now() + 1000;
      while (Date.now() < until) {
        const res = await renderSupport();
        expect(res.status).toBe(200);
        expect(res.body.prompt).toEqual({
          name: 'support-reply',
          version: 3,
          hash: goodHash,
          label: 'production',
        });
        expect(res.body.messages[0].content).toBe('v3 agent for Acme on Widget Pro, friendly.');
        await sleep(100);
      }
      const detail = await call<{ versions: { version: number; hash: string }[] }>(
        `${gateway.url}/v1/prompts/support-reply`,
      );
      expect(detail.body.versions.find((v) => v.version === 3)!.hash).toBe(goodHash);
    }

    // 3. the fix is picked up
    const fixed = v3('v3 fixed for {{ company }}.');
    prompts.writeAtomic('support-reply/v3.yaml', fixed);
    const fixLatency = await pollUntil((r) => r.prompt.hash === sha256(fixed));
    console.log(`prompt hot reload: fix served ${fixLatency} ms after the write`);
    expect(fixLatency).toBeLessThan(2000);
    expect((await renderSupport()).body.messages[0].content).toBe('v3 fixed for Acme.');
  });
});

describe('start-up with a broken template', () => {
  const dirs: PromptDir[] = [];
  afterAll(() => dirs.forEach((dir) => dir.remove()));

  it.each([
    {
      case: 'a Liquid syntax error in a new prompt',
      file: 'broken/v1.yaml',
      text: [
        'description: Broken on purpose.',
        'route: fast',
        'variables:',
        '  type: object',
        '  properties:',
        '    name: { type: string }',
        '  required: [name]',
        'messages:',
        '  - role: system',
        '    content: You are polite.',
        '  - role: user',
        "    content: 'Hello {% if name %}{{ name }}'",
        '',
      ].join('\n'),
      needle: 'Hello {%',
      reason: /Liquid syntax error/,
    },
    {
      case: 'an undeclared variable in an example version',
      file: 'support-reply/v2.yaml',
      text: undefined,
      needle: 'Latest message from',
      reason: /undeclared variable 'signature'/,
    },
  ])('$case: app creation fails naming the file and line', async (edit) => {
    const prompts = makePromptDir();
    dirs.push(prompts);
    const text =
      edit.text ??
      prompts
        .read(edit.file)
        .replace('Latest message from {{', 'Latest message from {{ signature }} {{');
    prompts.write(edit.file, text);
    const watchers = () =>
      process.getActiveResourcesInfo().filter((name) => name === 'FSEventWrap').length;
    const watchingBefore = watchers();
    const started = startGateway(simulatorConfig(prompts.dir, true));
    await expect(started).rejects.toThrow(`${edit.file}:${lineOf(text, edit.needle)}`);
    const error = (await started.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('TemplateLoadError');
    expect(error.message).toMatch(edit.reason);
    expect(error.message).not.toContain(`${prompts.dir}/${edit.file}`);
    // nothing is left watching the directory
    await sleep(20);
    expect(watchers()).toBeLessThanOrEqual(watchingBefore);
  });
});
