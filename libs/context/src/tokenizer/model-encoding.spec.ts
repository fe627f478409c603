import { encodingForModel, normalizeModelName } from './model-encoding';

describe('encodingForModel', () => {
  it.each([
    'gpt-4o',
    'gpt-4o-mini',
    'gpt-4o-mini-2024-07-18',
    'gpt-4o-2024-08-06',
    'chatgpt-4o-latest',
    'gpt-4.1',
    'gpt-4.1-nano-2025-04-14',
    'gpt-4.5-preview',
    'gpt-5',
    'gpt-5-mini',
    'gpt-5.1-codex',
    'o1',
    'o1-mini',
    'o3-mini-2025-01-31',
    'o4-mini',
    'openai/gpt-4o',
    'azure/gpt4o',
    'GPT-4o',
    'ft:gpt-4o-mini-2024-07-18:acme::abc123',
  ])('%s -> o200k_base', (model) => {
    expect(encodingForModel(model)).toBe('o200k_base');
  });

  it.each([
    'gpt-4',
    'gpt-4-0613',
    'gpt-4-32k',
    'gpt-4-turbo',
    'gpt-4-turbo-2024-04-09',
    'gpt-4-1106-preview',
    'gpt-3.5-turbo',
    'gpt-3.5-turbo-0125',
    'gpt-35-turbo',
    'gpt-35-turbo-16k',
    'text-embedding-3-small',
    'text-embedding-ada-002',
  ])('%s -> cl100k_base', (model) => {
    expect(encodingForModel(model)).toBe('cl100k_base');
  });

  it.each([
    'claude-3-5-sonnet-20241022',
    'gemini-2.5-flash',
    'llama3.1:8b',
    'mistral',
    'qwen2.5:7b',
    'gpt-oss-20b',
    'o10',
    'gpt-40',
    'omni-model',
    'my-deployment',
    '',
  ])('%s -> estimated', (model) => {
    expect(encodingForModel(model)).toBeUndefined();
  });

  it('normalizes case, provider paths and fine-tune prefixes', () => {
    expect(normalizeModelName(' OpenAI/GPT-4o ')).toBe('gpt-4o');
    expect(normalizeModelName('ft:gpt-4o-mini:org::x')).toBe('gpt-4o-mini:org::x');
  });
});
