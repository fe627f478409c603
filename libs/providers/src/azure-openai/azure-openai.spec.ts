import { upstreamError, type ChatRequest } from '@app/core';
import { fromOpenAiResponse, openAiStreamMapper, toOpenAiRequest } from '../openai';
import { jsonFixture, readFixture, replaySse, type ErrorFixture } from '../openai/fixtures/replay';
import { AZURE_OPENAI_DEFAULT_API_VERSION, azureChatPath, azureOpenAiDialect } from './dialect';
import { parseAzureOpenAiError } from './errors';

const FIXTURES = `${__dirname}/fixtures`;
const context = { provider: 'azure-eu', requestedModel: 'support-gpt4o' };
const stream = (name: string) =>
  replaySse(
    readFixture(FIXTURES, name),
    openAiStreamMapper({ provider: 'azure-eu', requireDone: true }),
  );
const parseError = (name: string) => {
  const fixture = jsonFixture<ErrorFixture>(FIXTURES, name);
  return parseAzureOpenAiError(fixture.body, fixture.status);
};

describe('Azure OpenAI dialect', () => {
  const request: ChatRequest = {
    model: 'support-gpt4o',
    messages: [
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ],
    maxTokens: 100,
  };

  it('puts the deployment and api-version in the path', () => {
    expect(azureChatPath('support gpt/4o', '2024-10-21')).toBe(
      '/openai/deployments/support%20gpt%2F4o/chat/completions?api-version=2024-10-21',
    );
    expect(AZURE_OPENAI_DEFAULT_API_VERSION).toBe('2024-10-21');
  });

  it('uses max_completion_tokens and stream usage from 2024-09-01-preview on', () => {
    const body = toOpenAiRequest(request, {
      stream: true,
      dialect: azureOpenAiDialect('2024-10-21'),
    });
    expect(body).toMatchObject({
      max_completion_tokens: 100,
      stream_options: { include_usage: true },
    });
    expect(body).not.toHaveProperty('max_tokens');
    // developer messages only exist from 2024-12-01-preview on
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('keeps developer messages on newer versions and on non-date versions', () => {
    for (const version of ['2025-04-01-preview', 'preview']) {
      const body = toOpenAiRequest(request, {
        stream: false,
        dialect: azureOpenAiDialect(version),
      });
      expect(body.messages[0].role).toBe('developer');
      expect(body.max_completion_tokens).toBe(100);
    }
  });

  it('uses max_tokens and no stream_options on older versions, which reject them', () => {
    const body = toOpenAiRequest(request, {
      stream: true,
      dialect: azureOpenAiDialect('2024-06-01'),
    });
    expect(body.max_tokens).toBe(100);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body).not.toHaveProperty('stream_options');
  });
});

describe('Azure OpenAI responses', () => {
  it('reads a response and ignores the content filter annotations', () => {
    expect(fromOpenAiResponse(jsonFixture(FIXTURES, 'response-text.json'), context)).toEqual({
      id: 'chatcmpl-CbLq2n8Vw4Xy6Za0Bc2De4Fg6Hi8J',
      model: 'gpt-4o-2024-11-20',
      message: { role: 'assistant', content: 'Your order #4411 shipped yesterday.' },
      finishReason: 'stop',
      usage: { inputTokens: 1290, outputTokens: 8, totalTokens: 1298, cachedInputTokens: 1024 },
    });
  });

  it('reads a filtered completion as content_filter', () => {
    const response = fromOpenAiResponse(
      jsonFixture(FIXTURES, 'response-content-filter.json'),
      context,
    );
    expect(response.finishReason).toBe('content_filter');
    expect(response.message.content).toBeNull();
  });

  it('streams past the prompt-filter chunk and the filter annotations', async () => {
    const { chunks, error } = await stream('stream-text.sse');
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.delta?.content ?? '').join('')).toBe(
      'Your order #4411 shipped yesterday.',
    );
    expect(chunks.every((c) => c.id === 'chatcmpl-CbLs4k6Mo8Qr0Tu2Wx4Za6Cd8Fg0H')).toBe(true);
    expect(chunks.filter((c) => c.finishReason)).toHaveLength(1);
    expect(chunks.at(-1)?.usage).toEqual({
      inputTokens: 1290,
      outputTokens: 8,
      totalTokens: 1298,
      cachedInputTokens: 1024,
    });
  });

  it('streams a content_filter finish', async () => {
    const { chunks } = await stream('stream-content-filter.sse');
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('content_filter');
  });
});

describe('parseAzureOpenAiError', () => {
  it('keeps content_filter as the code and names the categories that fired', () => {
    const details = parseError('error-content-filter.json');
    expect(details.code).toBe('content_filter');
    expect(details.message).toMatch(/content management policy/);
    expect(details.message).toMatch(/\(filtered: jailbreak, violence=medium\)$/);
    const error = upstreamError({
      provider: 'azure-eu',
      status: 400,
      message: details.message,
      upstreamCode: details.code,
    });
    expect(error).toMatchObject({ status: 400, code: 'content_filter', retryable: false });
  });

  it('reads the wait from a 429 message and drops the numeric code', () => {
    expect(parseError('error-rate-limit.json')).toMatchObject({ retryAfterMs: 6000 });
    expect(parseError('error-rate-limit.json').code).toBeUndefined();
  });

  it('keeps context_length_exceeded and Azure codes', () => {
    expect(parseError('error-context-length.json').code).toBe('context_length_exceeded');
    expect(parseError('error-deployment-not-found.json').code).toBe('DeploymentNotFound');
    expect(parseError('error-unsupported-max-tokens.json').code).toBe('unsupported_parameter');
    expect(parseError('error-unauthorized.json').code).toBeUndefined();
  });
});
