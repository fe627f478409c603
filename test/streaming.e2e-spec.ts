import OpenAI from 'openai';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import type { FakeUpstream } from './fakes/fake-upstream';
import {
  requestLines,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';
import { postSse } from './support/sse-client';

const messages = [{ role: 'user' as const, content: 'Hello' }];

/** Streaming behaviour that needs two upstreams: heartbeats, invisible failover, forwarding. */
describe('streaming through a fallback chain', () => {
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    primary = await startFakeOpenAiUpstream();
    backup = await startFakeOpenAiUpstream();
    gateway = await startGateway(`
server:
  heartbeatMs: 50
providers:
  - { name: primary, type: openai, baseUrl: ${primary.url}/v1, apiKey: test-key }
  - { name: backup, type: openai, baseUrl: ${backup.url}/v1, apiKey: test-key }
deployments:
  - { name: a@primary, provider: primary, model: model-a }
  - { name: b@backup, provider: backup, model: model-b }
routes:
  chain:
    targets: [a@primary, b@backup]
    retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 50 }
`);
  });
  afterAll(async () => {
    await gateway.close();
    await primary.close();
    await backup.close();
  });

  it('sends comment heartbeats while waiting for the first token', async () => {
    backup.enqueue({ type: 'stall', ms: 300, then: { type: 'text', text: 'Late but here.' } });
    primary.enqueue({ type: 'error', status: 503, message: 'busy' });
    const result = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'chain',
      messages,
      stream: true,
    });
    expect(result.comments.filter((c) => c === 'keep-alive').length).toBeGreaterThanOrEqual(2);
    expect(result.text.indexOf(': keep-alive')).toBeLessThan(result.text.indexOf('data: '));
    expect(result.events.at(-1)).toBe('[DONE]');
  });

  it('fails over before the first token without leaking the failed attempt', async () => {
    // the primary opens its stream (its role chunk arrives), then breaks before any token
    primary.enqueue({ type: 'cut', afterChunks: 0 });
    backup.enqueue({ type: 'text', text: 'From the backup.' });
    const result = await postSse(
      `${gateway.url}/v1/chat/completions`,
      { model: 'chain', messages, stream: true },
      { 'x-request-id': 'failover-1' },
    );
    expect(result.status).toBe(200);
    // the headers left with the opener, when the primary's stream had opened
    expect(result.headers['x-gateway-deployment']).toBe('a@primary');
    const chunks = result.events.filter(
      (e): e is { choices: { delta: { role?: string; content?: string } }[] } =>
        typeof e === 'object',
    );
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.filter((c) => c.choices[0]?.delta.role).length).toBe(1);
    // the log line names the deployment that answered
    await waitFor(() => requestLines(gateway).some((l) => l.requestId === 'failover-1'));
    expect(requestLines(gateway).find((l) => l.requestId === 'failover-1')).toMatchObject({
      deployment: 'b@backup',
      attempts: 2,
      stream: 'completed',
    });
    const text = result.events
      .filter((e): e is { choices: { delta: { content?: string } }[] } => typeof e === 'object')
      .map((e) => e.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('From the backup.');
    expect(result.events.at(-1)).toBe('[DONE]');
  });

  it('falls back for a non-streaming request and forwards the request fields', async () => {
    primary.enqueue({ type: 'error', status: 500, message: 'broken' });
    backup.enqueue({ type: 'text', text: 'Backup answer.' });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({
        model: 'chain',
        messages,
        temperature: 0.3,
        top_p: 0.9,
        max_completion_tokens: 77,
        stop: ['END'],
        seed: 7,
        user: 'user-42',
        response_format: { type: 'json_object' },
      })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Backup answer.');
    expect(response.headers.get('x-gateway-deployment')).toBe('b@backup');
    const sent = backup.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      model: 'model-b',
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 77,
      stop: ['END'],
      seed: 7,
      user: 'user-42',
      response_format: { type: 'json_object' },
    });
    expect(backup.requests.at(-1)!.headers.authorization).toBe('Bearer test-key');
  });

  it('always asks the upstream for stream usage, and strips it when the client did not ask', async () => {
    primary.enqueue({ type: 'text', text: 'Counted.', usage: { input: 5, output: 2 } });
    const result = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'chain',
      messages,
      stream: true,
    });
    expect((primary.requests.at(-1)!.body as { stream_options?: unknown }).stream_options).toEqual({
      include_usage: true,
    });
    expect(result.events.some((e) => typeof e === 'object' && e !== null && 'usage' in e)).toBe(
      false,
    );
  });
});
