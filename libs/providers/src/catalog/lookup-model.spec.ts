import { catalogName, lookupModel } from './lookup-model';
import { MODEL_CATALOG } from './model-catalog';

describe('lookupModel', () => {
  it('finds every catalog entry by its exact name', () => {
    for (const [name, limits] of Object.entries(MODEL_CATALOG)) {
      expect(lookupModel(name)).toEqual(limits);
      expect(limits.maxOutputTokens).toBeLessThanOrEqual(limits.contextWindow);
    }
  });

  it.each([
    ['gpt-4o', 128_000, 16_384],
    ['gpt-4o-mini-2024-07-18', 128_000, 16_384],
    ['gpt-4o-2024-05-13', 128_000, 4_096],
    ['gpt-4o-2024-08-06', 128_000, 16_384],
    ['chatgpt-4o-latest', 128_000, 16_384],
    ['gpt-4.1-mini-2025-04-14', 1_047_576, 32_768],
    ['gpt-4-turbo-2024-04-09', 128_000, 4_096],
    ['gpt-4-0613', 8_192, 8_192],
    ['gpt-3.5-turbo-0125', 16_385, 4_096],
    ['gpt-35-turbo', 16_385, 4_096],
    ['gpt-35-turbo-16k', 16_385, 4_096],
    ['o1-mini-2024-09-12', 128_000, 65_536],
    ['o1-2024-12-17', 200_000, 100_000],
    ['o3-mini-2025-01-31', 200_000, 100_000],
    ['o4-mini', 200_000, 100_000],
    ['gpt-5-mini-2025-08-07', 400_000, 128_000],
    ['gpt-5-chat-latest', 128_000, 16_384],
    ['gpt-5.1-2025-11-13', 400_000, 128_000],
    ['openai/gpt-4o', 128_000, 16_384],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc', 128_000, 16_384],
    ['claude-3-5-haiku-20241022', 200_000, 8_192],
    ['claude-3-5-sonnet-latest', 200_000, 8_192],
    ['claude-3-5-sonnet-v2@20241022', 200_000, 8_192],
    ['claude-3-7-sonnet-20250219', 200_000, 64_000],
    ['claude-sonnet-4-20250514', 200_000, 64_000],
    ['claude-sonnet-4-5-20250929', 200_000, 64_000],
    ['claude-opus-4-20250514', 200_000, 32_000],
    ['claude-opus-4-1-20250805', 200_000, 32_000],
    ['claude-haiku-4-5', 200_000, 64_000],
    ['anthropic/claude-3.5-sonnet', 200_000, 8_192],
    ['us.anthropic.claude-3-5-sonnet-20240620-v1:0', 200_000, 8_192],
    ['gemini-1.5-pro-002', 2_097_152, 8_192],
    ['models/gemini-1.5-flash', 1_048_576, 8_192],
    ['gemini-2.0-flash-001', 1_048_576, 8_192],
    ['gemini-2.0-flash-lite', 1_048_576, 8_192],
    ['gemini-2.5-pro', 1_048_576, 65_536],
    ['gemini-2.5-flash-preview-05-20', 1_048_576, 65_536],
    ['gemini-2.5-flash-lite', 1_048_576, 65_536],
    ['llama3.1:8b', 131_072, 8_192],
    ['llama3.2:3b-instruct-q4_K_M', 131_072, 8_192],
    ['llama3:latest', 8_192, 4_096],
    ['mistral:7b', 32_768, 8_192],
    ['mistral-large-latest', 131_072, 8_192],
    ['qwen2.5:14b', 32_768, 8_192],
    ['qwen2.5-coder:7b', 32_768, 8_192],
    ['LLAMA3.1', 131_072, 8_192],
  ])('%s -> %d / %d', (model, contextWindow, maxOutputTokens) => {
    expect(lookupModel(model)).toEqual({ contextWindow, maxOutputTokens });
  });

  it.each([
    'gpt-4.7',
    'gpt-4oo',
    'o5',
    'claude-4',
    'gemini-3',
    'llama3.9',
    'my-deployment',
    'constructor',
    '__proto__',
    '',
  ])('%s -> undefined', (model) => {
    expect(lookupModel(model)).toBeUndefined();
  });

  it('matches the longest known prefix, not the first', () => {
    expect(lookupModel('gpt-4o-mini-realtime-preview-2024-12-17')).toEqual({
      contextWindow: 16_000,
      maxOutputTokens: 4_096,
    });
    expect(lookupModel('gemini-1.5-flash-8b-001')?.contextWindow).toBe(1_048_576);
  });

  it('returns a copy that callers may change', () => {
    const limits = lookupModel('gpt-4o')!;
    limits.contextWindow = 1;
    expect(lookupModel('gpt-4o')?.contextWindow).toBe(128_000);
  });

  it('normalizes provider spellings', () => {
    expect(catalogName(' Azure/GPT-35-Turbo ')).toBe('gpt-3.5-turbo');
    expect(catalogName('eu.anthropic.claude-3.7-sonnet')).toBe('claude-3-7-sonnet');
  });
});
