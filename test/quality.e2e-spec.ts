import OpenAI from 'openai';
import type { FakeUpstream } from './fakes/fake-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import { startGateway, type RunningGateway } from './support/gateway-harness';
import { postSse } from './support/sse-client';

/**
 * Output quality checks end to end (paper 7.3): the official OpenAI SDK against the gateway, and
 * a fake OpenAI upstream scripted to answer JSON that fails the caller's `response_format`.
 */

const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};

const RESPONSE_FORMAT = {
  type: 'json_schema',
  json_schema: { name: 'person', schema: PERSON_SCHEMA, strict: true },
} as const;

const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Extract the person as JSON.' },
  { role: 'user', content: 'Ada Lovelace was 36.' },
];

/** the wrong type for `age`: fails the schema, but is JSON */
const INVALID = '{"name": "Ada Lovelace", "age": "thirty-six"}';
const VALID = '{"name": "Ada Lovelace", "age": 36}';

interface UpstreamBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: unknown;
}

describe('output quality checks', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAiUpstream();
    gateway = await startGateway(`
server:
  heartbeatMs: 15000
providers:
  - { name: up, type: openai, baseUrl: ${upstream.url}/v1, apiKey: test-key }
deployments:
  - { name: gpt@up, provider: up, model: gpt-4o-mini }
routes:
  strict:
    targets: [gpt@up]
    retry: { maxAttempts: 1 }
  lenient:
    targets: [gpt@up]
    retry: { maxAttempts: 1 }
    quality: { schemaRepairs: 1, onSchemaFailure: flag }
`);
    // the SDK's own retries are off: every attempt counted is the gateway's
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  /** the bodies of the upstream requests made since `from` */
  const sentSince = (from: number) =>
    upstream.requests.slice(from).map((request) => request.body as UpstreamBody);

  it('repairs an answer that fails the schema: 200 with the repaired JSON', async () => {
    upstream.enqueue({ type: 'text', text: INVALID }, { type: 'text', text: VALID });
    const before = upstream.requests.length;
    const { data, response } = await client.chat.completions
      .create({ model: 'strict', messages, response_format: RESPONSE_FORMAT })
      .withResponse();
    expect(response.status).toBe(200);
    expect(JSON.parse(data.choices[0].message.content ?? '')).toEqual({
      name: 'Ada Lovelace',
      age: 36,
    });
    expect(response.headers.get('x-gateway-quality')).toBe('schema=repaired; repairs=1');
    expect(response.headers.get('x-gateway-attempts')).toBe('2');

    const [original, repair] = sentSince(before);
    expect(sentSince(before)).toHaveLength(2);
    // the repair carries the same format, the invalid answer and the errors, by path
    expect(repair.response_format).toEqual(original.response_format);
    expect(repair.messages.slice(0, 2)).toEqual(original.messages);
    expect(repair.messages[2]).toEqual({ role: 'assistant', content: INVALID });
    expect(repair.messages[3].role).toBe('user');
    expect(repair.messages[3].content).toContain('- $.age: must be integer');
    expect(repair.messages).toHaveLength(4);
  });

  it('answers 502 output_schema_mismatch when the repair fails too (onSchemaFailure: error)', async () => {
    upstream.enqueue({ type: 'text', text: INVALID }, { type: 'text', text: '{"name": "Ada"}' });
    const before = upstream.requests.length;
    const error = await client.chat.completions
      .create({ model: 'strict', messages, response_format: RESPONSE_FORMAT })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.error).toEqual({
      message:
        "The model's answer does not match the response_format JSON schema 'person' after 1 repair attempt: $.age: is required",
      type: 'api_error',
      param: 'response_format',
      code: 'output_schema_mismatch',
    });
    // the paths, never the content
    expect(apiError.message).not.toContain('Ada');
    expect(apiError.headers?.get('x-gateway-attempts')).toBe('2');
    expect(apiError.headers?.get('x-gateway-quality')).toBe('schema=invalid; repairs=1');
    expect(sentSince(before)).toHaveLength(2);
  });

  it('returns the answer flagged on an onSchemaFailure: flag route', async () => {
    upstream.enqueue({ type: 'text', text: INVALID }, { type: 'text', text: INVALID });
    const { data, response } = await client.chat.completions
      .create({ model: 'lenient', messages, response_format: RESPONSE_FORMAT })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0].message.content).toBe(INVALID);
    expect(response.headers.get('x-gateway-quality')).toBe(
      'schema=invalid; repairs=1; flagged=true',
    );
    expect(response.headers.get('x-gateway-attempts')).toBe('2');
  });

  it('ends an invalid stream with an error event and no [DONE] (streams are never repaired)', async () => {
    upstream.enqueue({ type: 'text', text: INVALID });
    const before = upstream.requests.length;
    const result = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'strict',
      messages,
      response_format: RESPONSE_FORMAT,
      stream: true,
    });
    expect(result.status).toBe(200);
    expect(result.events).not.toContain('[DONE]');
    const last = result.events[result.events.length - 1];
    expect(last).toEqual({
      error: {
        message:
          "The model's answer does not match the response_format JSON schema 'person': $.age: must be integer",
        type: 'api_error',
        param: 'response_format',
        code: 'output_schema_mismatch',
      },
    });
    // every content chunk went out as it came, the finish chunk included
    const chunks = result.events.slice(0, -1) as OpenAI.ChatCompletionChunk[];
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(INVALID);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(result.text.trimEnd().endsWith('}')).toBe(true);
    expect(sentSince(before)).toHaveLength(1);

    // the SDK sees the same: the text, then the error
    upstream.enqueue({ type: 'text', text: INVALID });
    const stream = await client.chat.completions.create({
      model: 'strict',
      messages,
      response_format: RESPONSE_FORMAT,
      stream: true,
    });
    let received = '';
    const failure = await (async () => {
      try {
        for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(received).toBe(INVALID);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('output_schema_mismatch');
  });

  it('completes an invalid stream on a flag route, and a valid one anywhere', async () => {
    upstream.enqueue({ type: 'text', text: INVALID }, { type: 'text', text: VALID });
    const flagged = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'lenient',
      messages,
      response_format: RESPONSE_FORMAT,
      stream: true,
    });
    expect(flagged.events[flagged.events.length - 1]).toBe('[DONE]');
    const valid = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'strict',
      messages,
      response_format: RESPONSE_FORMAT,
      stream: true,
    });
    expect(valid.events[valid.events.length - 1]).toBe('[DONE]');
  });

  it("never fails on a caller's malformed schema: the answer goes out unchecked", async () => {
    const malformed = {
      type: 'json_schema',
      json_schema: {
        name: 'broken',
        schema: { type: 'object', properties: { age: { type: 'integr' } }, required: 'age' },
      },
    } as const;
    upstream.enqueue({ type: 'text', text: 'not JSON at all' });
    const before = upstream.requests.length;
    const { data, response } = await client.chat.completions
      .create({
        model: 'strict',
        messages,
        // the SDK's types take any schema object: nothing checks it before the gateway
        response_format: malformed,
      })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0].message.content).toBe('not JSON at all');
    expect(response.headers.get('x-gateway-quality')).toBeNull();
    expect(response.headers.get('x-gateway-attempts')).toBe('1');
    expect(sentSince(before)).toHaveLength(1);

    upstream.enqueue({ type: 'text', text: 'not JSON either' });
    const streamed = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'strict',
      messages,
      response_format: malformed,
      stream: true,
    });
    expect(streamed.status).toBe(200);
    expect(streamed.events[streamed.events.length - 1]).toBe('[DONE]');
  });

  it('flags an answer cut at the output limit', async () => {
    upstream.enqueue({ type: 'text', text: 'Once upon a', finish: 'length' });
    const { data, response } = await client.chat.completions
      .create({ model: 'strict', messages: [{ role: 'user', content: 'A story, please.' }] })
      .withResponse();
    expect(data.choices[0].finish_reason).toBe('length');
    expect(response.headers.get('x-gateway-quality')).toBe('truncated');
  });
});
