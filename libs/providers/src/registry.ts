import type { LlmClient } from '@app/core';
import { AnthropicClient } from './anthropic';
import { AzureOpenAiClient } from './azure-openai';
import { GeminiClient } from './gemini';
import { OllamaClient } from './ollama';
import { OpenAiClient } from './openai';
import { OpenAiCompatibleClient } from './openai-compatible';
import type { ProviderConfig, ProviderType } from './provider-config';
import { SimulatorClient } from './simulator';

const FACTORIES: Record<ProviderType, (config: ProviderConfig) => LlmClient> = {
  openai: (config) => new OpenAiClient(config),
  'azure-openai': (config) => new AzureOpenAiClient(config),
  anthropic: (config) => new AnthropicClient(config),
  gemini: (config) => new GeminiClient(config),
  ollama: (config) => new OllamaClient(config),
  'openai-compatible': (config) => new OpenAiCompatibleClient(config),
  simulator: (config) => new SimulatorClient(config),
};

/** The LlmClient for one configured provider. */
export function createProviderClient(config: ProviderConfig): LlmClient {
  return FACTORIES[config.type](config);
}
