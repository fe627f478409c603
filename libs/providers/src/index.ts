export * from './provider-config';
export * from './registry';
export * from './transport';
export { AnthropicClient } from './anthropic';
export { AzureOpenAiClient } from './azure-openai';
export { GeminiClient } from './gemini';
export { OllamaClient } from './ollama';
export { OpenAiClient } from './openai';
export { OpenAiCompatibleClient } from './openai-compatible';
export { SimulatorClient } from './simulator';
export {
  catalogName,
  lookupModel,
  lookupPricing,
  MODEL_CATALOG,
  MODEL_PRICES,
  type ModelLimits,
} from './catalog';
